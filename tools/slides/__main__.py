import sys

from tools.slides import main

sys.exit(main())
