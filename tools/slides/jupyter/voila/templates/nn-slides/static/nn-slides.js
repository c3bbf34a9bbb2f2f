/* Start reveal.js for the course's lesson slides (template nn-slides).
 *
 * - A 1280x720 slide (the projector's size); content is top-aligned, never scaled up past 1.
 * - Linear navigation: ArrowRight (and Space, PageDown) visits every slide and every sub-slide in order, so a
 *   teacher who only presses → never skips one; ArrowLeft goes back the same way.
 * - Figures use the room a slide has: a stored figure (and an Explorer's figure) grows, never past the slide's
 *   width or its free height, and never shrinks below its own display size (the slide rule in tools/slides
 *   reserves that). Marked data-nn-grown with the factor.
 * - The teacher's view: `?code` in the URL, or the C key, shows the code of every code cell on the slides
 *   (html.nn-show-code); C again hides it.
 * - Keys pressed inside a widget (a focused slider, a text box, a button) belong to the widget: reveal.js
 *   ignores them, so ArrowRight on a slider moves the slider and not the deck. Escape or a click on the
 *   slide outside the widget gives the keys back to the deck.
 * - Widgets are drawn after reveal.js has started; whenever the current slide changes size the layout is
 *   redone, so a slide is never measured before its widget is there.
 * - Safety net: a slide whose content is still taller than the slide (a single cell too long for one slide,
 *   which `python -m tools.slides --check` warns about) is shrunk to fit rather than cut off, and marked
 *   data-nn-shrunk; the browser test asserts that lessons 01 and 07 never need it.
 */
(function () {
  "use strict";
  var settings = window.nnSlides || {};
  var WIDGET = ".jupyter-widgets, .widget-output, .nn-explorer";

  function inWidget(element) {
    return Boolean(element && element.closest && element.closest(WIDGET));
  }

  Reveal.initialize({
    width: settings.width || 1280,
    height: settings.height || 720,
    margin: 0.02,
    minScale: 0.2,
    maxScale: 1.0,
    center: false,
    hash: true,
    navigationMode: "linear",
    controls: true,
    progress: true,
    slideNumber: settings.slideNumber || "c/t",
    transition: settings.transition || "none",
    // reveal.js reads keys on the document; a key whose target is inside a widget is the widget's
    keyboardCondition: function (event) {
      return !inWidget(event.target);
    },
    plugins: window.RevealNotes ? [window.RevealNotes] : []
  });

  // Escape inside a widget: leave the widget, so the next ArrowRight moves the deck again
  document.addEventListener(
    "keydown",
    function (event) {
      if (event.key === "Escape" && inWidget(event.target) && event.target.blur) {
        event.target.blur();
        event.stopPropagation();
      }
    },
    true
  );

  // the teacher's view: code shown on every slide
  var root = document.documentElement;
  if (/[?&]code(=|&|$)/.test(window.location.search)) {
    root.classList.add("nn-show-code");
  }
  document.addEventListener("keydown", function (event) {
    if ((event.key === "c" || event.key === "C") && !event.ctrlKey && !event.metaKey && !event.altKey
        && !inWidget(event.target)) {
      root.classList.toggle("nn-show-code");
      fitCurrentSlide();
      Reveal.layout();
    }
  });

  // the display size of an image: its width/height attributes (JupyterLab sets them from the output's
  // metadata), else half its pixels (the course's figures carry 2x pixels)
  function baseSize(img) {
    if (!img.dataset.nnBaseWidth) {
      var width = parseFloat(img.getAttribute("width")) || img.naturalWidth / 2;
      var height = parseFloat(img.getAttribute("height")) || (img.naturalHeight * width) / img.naturalWidth;
      if (!width || !height) {
        return null;
      }
      img.dataset.nnBaseWidth = String(width);
      img.dataset.nnBaseHeight = String(height);
    }
    return [parseFloat(img.dataset.nnBaseWidth), parseFloat(img.dataset.nnBaseHeight)];
  }

  // grow the figures of a slide into its free room (see the header)
  function growFigures(slide) {
    var limit = Reveal.getConfig().height;
    var images = [].slice.call(slide.querySelectorAll(".jp-OutputArea-output img"));
    var slideWidth = Reveal.getConfig().width;
    var sized = images.map(function (img) {
      var base = img.complete && img.naturalWidth ? baseSize(img) : null;
      if (base) {
        img.style.width = base[0] + "px";
        img.style.height = "auto";
        img.style.maxHeight = "none";
        img.style.maxWidth = "none";
      }
      return base;
    });
    var count = sized.filter(Boolean).length;
    var free = limit - slide.scrollHeight;
    if (!count || free <= 0) {
      return;
    }
    images.forEach(function (img, i) {
      var base = sized[i];
      if (!base) {
        return;
      }
      var room = img.parentElement.getBoundingClientRect().width / Reveal.getScale();
      if (img.classList.contains("nn-figure")) {
        // an Explorer's figure shares the row with its controls (nn-slides.css: a grid)
        var controls = img.parentElement.querySelector(".nn-controls");
        var controlsWidth = controls ? controls.getBoundingClientRect().width / Reveal.getScale() : 300;
        room = Math.min(room, slideWidth * 0.94 - controlsWidth - 24 - 72);
      }
      var byWidth = room / base[0];
      var byHeight = (base[1] + free / count) / base[1];
      var factor = Math.max(1, Math.min(byWidth, byHeight, 2.2));
      img.style.width = Math.floor(base[0] * factor) + "px";
      img.dataset.nnGrown = factor.toFixed(3);
    });
    // a wrapped line or a rounding must not push the slide over: shrink the figures back a little if needed
    for (var guard = 0; slide.scrollHeight > limit && guard < 20; guard += 1) {
      images.forEach(function (img, i) {
        if (sized[i] && parseFloat(img.style.width) > sized[i][0]) {
          img.style.width = Math.max(sized[i][0], Math.floor(parseFloat(img.style.width) * 0.96)) + "px";
          img.dataset.nnGrown = (parseFloat(img.style.width) / sized[i][0]).toFixed(3);
        }
      });
    }
  }

  function fitCurrentSlide() {
    var slide = Reveal.getCurrentSlide();
    if (!slide) {
      return;
    }
    var limit = Reveal.getConfig().height;
    slide.style.zoom = "";
    delete slide.dataset.nnShrunk;
    growFigures(slide);
    if (slide.scrollHeight > limit) {
      slide.style.zoom = String(Math.floor((1000 * limit) / slide.scrollHeight) / 1000);
      slide.dataset.nnShrunk = "1";
    }
  }
  Reveal.on("ready", fitCurrentSlide);
  Reveal.on("slidechanged", fitCurrentSlide);

  // redo the layout when a slide's content changes size (widgets render late, images load late)
  if (window.ResizeObserver) {
    var pending = false;
    var observer = new ResizeObserver(function () {
      if (pending) {
        return;
      }
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        if (Reveal.isReady()) {
          fitCurrentSlide();
          Reveal.layout();
        }
      });
    });
    document.querySelectorAll(".reveal .slides section").forEach(function (section) {
      observer.observe(section);
    });
  }
})();
