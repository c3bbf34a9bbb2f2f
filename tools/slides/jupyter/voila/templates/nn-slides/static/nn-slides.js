/* Start reveal.js for the course's lesson slides (template nn-slides).
 *
 * - A 1280x720 slide (the projector's size); content is top-aligned, never scaled up past 1.
 * - Keys pressed inside a widget (a focused slider, a text box, a button) belong to the widget: reveal.js
 *   ignores them, so ArrowRight on a slider moves the slider and not the deck. Escape or a click on the
 *   slide outside the widget gives the keys back to the deck.
 * - Widgets are drawn after reveal.js has started; whenever the current slide changes size the layout is
 *   redone, so a slide is never measured before its widget is there.
 * - Safety net: a slide whose content is still taller than the slide (a single cell too long for one slide,
 *   which `python -m utils.slides --check` warns about) is shrunk to fit rather than cut off, and marked
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

  function fitCurrentSlide() {
    var slide = Reveal.getCurrentSlide();
    if (!slide) {
      return;
    }
    var limit = Reveal.getConfig().height;
    slide.style.zoom = "";
    delete slide.dataset.nnShrunk;
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
