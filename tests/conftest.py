"""Unit tests draw figures without a screen: the Agg backend, whatever the machine's default."""

import matplotlib

matplotlib.use("Agg")
