"""Drawing a graph of ``utils.autograd.Value`` s: every node as a box with its name or operation, its
``data`` (black) and its ``grad`` (red), arrows from each input to the node computed from it.

Matplotlib only (no graphviz). The layout puts the root on the right and every node one column left of its
first use, so arrows run left to right like the forward pass; the backward pass reads right to left.
Sizes are in inches and the text is 10 pt or more, so nothing overlaps whatever the graph's shape.
For a crisp picture on a high-resolution screen (device pixel ratio 2) the lesson turns on the inline
backend's "retina" format; to save a file, use ``fig.savefig(path, dpi=200)``.
"""

from __future__ import annotations

from matplotlib.patches import FancyArrowPatch, FancyBboxPatch
from matplotlib.path import Path

from utils.autograd import Value, topological_order
from utils.style import new_figure, number

OP_SYMBOLS = {"+": "+", "*": "×", "-": "−", "/": "÷", "neg": "−x"}
"""How an operation is written in a node's box (the rest, e.g. ``tanh`` or ``**2``, as they are)."""

LEAF_COLOR, OP_COLOR, ROOT_COLOR = "#e8f0fe", "#fff3e0", "#e6f4ea"
GRAD_COLOR = "C3"  # red, as in lesson 06's computation graph

# geometry, in inches
_BOX_W, _BOX_H = 1.32, 0.72
_COL_STEP, _ROW_STEP = 1.55, 0.95
_MARGIN = 0.25
_TITLE_H = 0.45
_TITLE_CHAR_W = 0.09  # a generous width of one character of the 11 pt title


def _columns(order: list[Value]) -> dict[int, int]:
    """Column of each node (by id): the root in the last column, every other node one column left of its
    leftmost consumer, so arrows run left to right and a leaf sits right next to where it is used."""
    consumers: dict[int, list[Value]] = {id(n): [] for n in order}
    for node in order:
        for child in node.inputs:
            consumers[id(child)].append(node)
    depth: dict[int, int] = {}  # longest distance to the root
    for node in reversed(order):  # root first: every consumer is placed before its inputs
        users = consumers[id(node)]
        depth[id(node)] = 0 if not users else max(depth[id(u)] + 1 for u in users)
    longest = max(depth.values())
    return {key: longest - d for key, d in depth.items()}


_DUMMY_H = 0.1  # the height a long arrow's lane takes up in a column it passes through
_PORT_STEP = 0.22  # vertical distance between the arrowheads of a node's inputs


def _layout(order: list[Value]) -> tuple[dict, dict, list]:
    """Columns and rows of every node, and the route of every arrow.

    An arrow that skips columns gets a lane (a "dummy" slot) in each column it crosses, placed like a small
    node, so it never runs through a box. Each column, from the right, puts an item level with the mean of
    its consumers (first input above the second), then pushes items apart top to bottom and re-centres them.
    Returns ``col`` and ``row`` (keyed by ``id(node)`` or a dummy key) and the arrows as
    ``(child, node, [keys from child to node], uses, repeat)``.
    """
    col: dict = dict(_columns(order))
    succ: dict = {id(n): [] for n in order}
    arrows = []
    for node in order:
        k = len(node.inputs)
        seen: dict[int, int] = {}
        for i, child in enumerate(node.inputs):
            offset = ((k - 1) / 2 - i) * _ROW_STEP * 0.5
            chain, prev = [id(child)], id(child)
            for c in range(col[id(child)] + 1, col[id(node)]):
                key = ("lane", id(node), i, c)
                col[key], succ[key] = c, []
                succ[prev].append((key, 0.0))
                chain.append(key)
                prev = key
            succ[prev].append((id(node), offset))
            chain.append(id(node))
            uses = sum(1 for c in node.inputs if c is child)
            arrows.append((child, node, chain, uses, seen.get(id(child), 0)))
            seen[id(child)] = seen.get(id(child), 0) + 1

    def height(key) -> float:
        return _DUMMY_H if isinstance(key, tuple) else _BOX_H

    row: dict = {}
    by_col: dict[int, list] = {}
    for key, c in col.items():
        by_col.setdefault(c, []).append(key)
    for c in sorted(by_col, reverse=True):
        keys = by_col[c]
        wanted = {}
        for key in keys:
            users = succ[key]
            wanted[key] = sum(row[u] + off for u, off in users) / len(users) if users else 0.0
        keys.sort(key=lambda k: -wanted[k])
        placed: list[float] = []
        for i, key in enumerate(keys):
            if not placed:
                placed.append(wanted[key])
            else:
                gap = (height(keys[i - 1]) + height(key)) / 2 + (_ROW_STEP - _BOX_H)
                placed.append(min(wanted[key], placed[-1] - gap))
        shift = (sum(wanted.values()) - sum(placed)) / len(keys)
        for key, y in zip(keys, placed):
            row[key] = y + shift
    return col, row, arrows


def draw_graph(root: Value, title: str | None = "data (black) and grad (red) of every Value", max_nodes: int = 40):
    """Draw the graph that computed ``root``: one box per Value with its label or operation, ``data`` and
    ``grad``; an arrow from each input to the Value made from it. Returns a matplotlib ``Figure``.

    root: a ``Value``; max_nodes: larger graphs raise ``ValueError`` (they would not be readable — draw
    one neuron, not a network). Run ``root.backward()`` first to see the gradients; before that they are 0.
    """
    if not isinstance(root, Value):
        raise TypeError(f"draw_graph expects a Value (the output of an expression), got {type(root).__name__}")
    order = topological_order(root)
    if len(order) > max_nodes:
        raise ValueError(f"draw_graph: this graph has {len(order)} Values; a drawing stays readable up to "
                         f"max_nodes={max_nodes} — draw a smaller expression (one neuron, not a network)")
    col, row, arrows = _layout(order)
    n_cols = max(col.values()) + 1
    top = max(row[k] + (_BOX_H if isinstance(k, int) else _DUMMY_H) / 2 for k in row)
    bottom = min(row[k] - (_BOX_H if isinstance(k, int) else _DUMMY_H) / 2 for k in row)
    graph_width = 2 * _MARGIN + (n_cols - 1) * _COL_STEP + _BOX_W
    width = max(graph_width, 2 * _MARGIN + _TITLE_CHAR_W * len(title or ""))  # a small graph keeps its title
    left = _MARGIN + (width - graph_width) / 2  # the graph centred under the title
    height = 2 * _MARGIN + (top - bottom) + (_TITLE_H if title else 0.0)

    fig, _ = new_figure(width, height, ncols=0)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, width)
    ax.set_ylim(0, height)
    ax.set_axis_off()

    def centre(key) -> tuple[float, float]:
        key = id(key) if isinstance(key, Value) else key
        return left + _BOX_W / 2 + col[key] * _COL_STEP, _MARGIN + row[key] - bottom

    for node in order:
        x, y = centre(node)
        if node is root:
            color = ROOT_COLOR
        else:
            color = LEAF_COLOR if not node.inputs else OP_COLOR
        ax.add_patch(FancyBboxPatch((x - _BOX_W / 2, y - _BOX_H / 2), _BOX_W, _BOX_H,
                                    boxstyle="round,pad=0,rounding_size=0.08", fc=color, ec="0.35", lw=1.0))
        op = OP_SYMBOLS.get(node.op, node.op)
        name = f"{op}  {node.label}" if op and node.label else (op or node.label or "number")
        ax.text(x, y + 0.2, name, ha="center", va="center", fontsize=10.5, fontweight="bold")
        ax.text(x, y, f"data {number(node.data)}", ha="center", va="center", fontsize=10)
        ax.text(x, y - 0.2, f"grad {number(node.grad)}", ha="center", va="center", fontsize=10, color=GRAD_COLOR)

    for child, node, chain, uses, repeat in arrows:
        points = [(centre(chain[0])[0] + _BOX_W / 2, centre(chain[0])[1])]
        for lane in chain[1:-1]:  # run straight through each column the arrow crosses, in its own lane
            x, y = centre(lane)
            points += [(x - _BOX_W / 2, y), (x + _BOX_W / 2, y)]
        # each input of a node has its own arrowhead: the first input enters highest, the last lowest
        slot = [i for i, c in enumerate(node.inputs) if c is child][repeat]
        port = ((len(node.inputs) - 1) / 2 - slot) * _PORT_STEP
        points.append((centre(chain[-1])[0] - _BOX_W / 2, centre(chain[-1])[1] + port))
        if uses > 1:  # a + a: the two arrows leave side by side too, so they are visibly two
            points[0] = (points[0][0], points[0][1] + port)
        style = {"arrowstyle": "-|>", "mutation_scale": 11, "color": "0.4", "lw": 1.1, "shrinkA": 1, "shrinkB": 2}
        if len(points) == 2:
            ax.add_patch(FancyArrowPatch(points[0], points[1], **style))
        else:
            codes = [Path.MOVETO] + [Path.LINETO] * (len(points) - 1)
            ax.add_patch(FancyArrowPatch(path=Path(points, codes), **style))
    if title:
        ax.text(width / 2, height - _TITLE_H / 2 - 0.05, title, ha="center", va="center", fontsize=11)
    return fig
