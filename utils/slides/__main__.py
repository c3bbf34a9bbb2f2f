import sys

from utils.slides import main

sys.exit(main())
