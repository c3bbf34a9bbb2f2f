"""Lesson 08: browse test digits with the network's probabilities."""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np

from utils import data
from utils.model import fit, make_mlp
from utils.optimizers import Adam
from utils.style import POINT_EDGE
from utils.widgets.engine import _SLIDER_LAYOUT, _STYLE, Explorer, new_figure
from utils.widgets.rendering import PixelImage


def digit_browser(model=None, images=None, labels=None, index: int = 0, pictures=None) -> Explorer:
    """Browse test images with the network's probabilities as bars.

    model: anything with ``predict_proba(X)`` ``(n, 10)``; images ``(n, 64)`` as the model takes them
    (e.g. standardised); labels ``(n,)``; pictures ``(n, 64)``: what to draw (the raw pixel values). Pass
    pictures when images are standardised: per-pixel standardising scrambles how a digit looks. With no
    arguments, a small network is trained on the digits (about a second).
    """
    if model is None or images is None or labels is None:
        X, y = data.digits()
        X_train, pictures, y_train, labels = data.train_test_split(X, y, test_fraction=0.2, seed=0)
        scaler = data.Standardizer().fit(X_train)
        model = make_mlp([64, 32, 10], rng=np.random.default_rng(0))
        fit(model, scaler.transform(X_train), y_train, Adam(0.01), epochs=40, batch_size=64)
        images = scaler.transform(pictures)
    images, labels = np.asarray(images), np.asarray(labels)
    pictures = images if pictures is None else np.asarray(pictures)
    if pictures.shape[0] != images.shape[0] or pictures[0].size != 64:
        raise ValueError(f"digit_browser: pictures must be (n, 64) like images {images.shape}, got {pictures.shape}")
    probs_all = model.predict_proba(images)
    fig, (ax_img, ax_bar) = new_figure(6.8, 3.2, ncols=2)
    pic = PixelImage(ax_img, np.zeros((8, 8)), "gray_r", 0, 1)
    ax_img.set(xlim=(0, 8), ylim=(0, 8), aspect="equal")
    ax_img.set_axis_off()
    grey = "0.75"
    bars = ax_bar.bar(range(10), np.zeros(10), color=grey, edgecolor=POINT_EDGE, linewidth=0.6)
    ax_bar.set(ylim=(0, 1.2), yticks=np.linspace(0, 1, 6), xticks=range(10), xlabel="digit", ylabel="probability")
    from matplotlib.patches import Patch

    ax_bar.legend(handles=[Patch(fc="C2", ec=POINT_EDGE, label="true label"),
                           Patch(fc="C3", ec=POINT_EDGE, hatch="//", label="predicted, wrong")],
                  loc="lower right", bbox_to_anchor=(1, 1.01), ncol=2, frameon=False, borderaxespad=0,
                  handlelength=1.2, columnspacing=0.8)
    title = ax_img.set_title(" ")
    true_mark = ax_bar.text(0, 0.03, "true", ha="center", va="bottom", color="C2", fontweight="bold")
    wrong = np.flatnonzero(probs_all.argmax(axis=1) != labels)

    def update(v):
        i = int(v.index)
        img = pictures[i].reshape(8, 8)
        pic.set_data(img[::-1])  # PixelImage puts row 0 at the bottom; an image's row 0 is its top
        pic.norm.vmin, pic.norm.vmax = float(img.min()), float(img.max()) + 1e-12
        p = probs_all[i]
        pred = int(p.argmax())
        for k, bar in enumerate(bars):
            bar.set_height(p[k])
            bar.set_facecolor("C2" if k == labels[i] else "C3" if k == pred else grey)
            bar.set_hatch("//" if k == pred and k != labels[i] else "")
        true_mark.set_position((int(labels[i]), p[int(labels[i])] + 0.02))
        ok = "✓" if pred == labels[i] else "✗"
        title.set_text(f"true {labels[i]}, predicted {pred} {ok}")
        return (f"image {i}: predicted {pred} with probability {p[pred]:.3f}; true label {labels[i]} "
                f"({len(wrong)} of {len(labels)} test images are misclassified, e.g. {wrong[:5].tolist()})")

    controls = {"index": widgets.IntSlider(value=index, min=0, max=len(images) - 1, description="test image",
                                           style=_STYLE, layout=widgets.Layout(**_SLIDER_LAYOUT))}
    return Explorer(fig, controls, update, animated=[pic, *bars, title, true_mark])
