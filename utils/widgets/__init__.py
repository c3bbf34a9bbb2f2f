"""Interactive explorers: move a slider, watch the math react.

Every factory works with no arguments, returns an ``Explorer`` (an ``ipywidgets.VBox``) and redraws
synchronously when a control changes, so it can be driven without a kernel::

    w = neuron_explorer()
    w.controls["w1"].value = 0.3      # recomputes, updates the artists, re-renders w.image
    w.fig                             # the matplotlib Figure; w.readout holds the numbers

The package, by room:

- ``engine``: ``Explorer`` (the base every widget is built on) and the control helpers;
- ``rendering``: the fast PNG encoder, the pixel heatmap and the image widget (the engine room);
- one module per lesson: ``hello`` (00), ``neuron`` (01–02), ``activations`` (03), ``losses`` (04),
  ``derivatives`` (05), ``training`` and ``playground`` (07), ``capstone`` (08), ``generalization`` (10).

Importing it starts nothing and changes no global state: the course style is applied when the first figure is
made (``utils.style.new_figure``), the encoder threads when the first image needs them.
"""

from utils.style import CSS_DPI, PIXEL_RATIO
from utils.surfaces import descent_path
from utils.widgets.activations import activation_explorer, softmax_explorer
from utils.widgets.capstone import digit_browser
from utils.widgets.derivatives import secant_explorer
from utils.widgets.engine import Explorer, choice_slider, dropdown, live_explorers, log_slider, new_figure, slider
from utils.widgets.generalization import init_explorer, l2_explorer
from utils.widgets.hello import hello_slider
from utils.widgets.losses import OUTLIER_COLOR, outlier_explorer, probability_loss_explorer
from utils.widgets.neuron import neuron_explorer
from utils.widgets.playground import Playground, playground
from utils.widgets.rendering import FigureImage, PixelImage, PNGEncoder, encode_png
from utils.widgets.training import batch_size_explorer, learning_rate_explorer, loss_surface_explorer, overfitting_explorer

FACTORIES = {
    "hello_slider": hello_slider,
    "neuron_explorer": neuron_explorer,
    "activation_explorer": activation_explorer,
    "softmax_explorer": softmax_explorer,
    "probability_loss_explorer": probability_loss_explorer,
    "outlier_explorer": outlier_explorer,
    "secant_explorer": secant_explorer,
    "learning_rate_explorer": learning_rate_explorer,
    "loss_surface_explorer": loss_surface_explorer,
    "batch_size_explorer": batch_size_explorer,
    "overfitting_explorer": overfitting_explorer,
    "playground": playground,
    "digit_browser": digit_browser,
    "init_explorer": init_explorer,
    "l2_explorer": l2_explorer,
}
"""Every widget factory by name (the tests and the benchmarks walk this)."""

REDRAWS_A_HEATMAP = {"neuron_explorer", "overfitting_explorer", "playground", "init_explorer", "l2_explorer"}
BUDGET_MS = {name: 100 if name in REDRAWS_A_HEATMAP else 50 for name in FACTORIES}
"""DESIGN §5's budget for one slider change, end to end in a browser at 2x pixels: 100 ms for a widget that redraws
a heatmap or decision regions, 50 ms for the line and bar plots. `make bench` measures against it; no test asserts
a time (the browser tests and the benchmarks read this one table)."""

__all__ = ["BUDGET_MS", "CSS_DPI", "FACTORIES", "OUTLIER_COLOR", "PIXEL_RATIO", "Explorer", "FigureImage", "PNGEncoder", "PixelImage",
           "Playground", "choice_slider", "descent_path", "dropdown", "encode_png", "live_explorers", "log_slider",
           "new_figure", "slider", *FACTORIES]
