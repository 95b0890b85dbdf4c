// Display math wider than its box scrolls sideways (rnnshape.css). As the theme does for
// code and tables, such a box becomes a tab stop, so the keyboard can scroll it too; a box
// its math fits is left out of the tab order.
(() => {
  const mark = () => {
    for (const box of document.querySelectorAll("div.math")) {
      if (box.scrollWidth > box.clientWidth + 1) box.tabIndex = 0;
      else box.removeAttribute("tabindex");
    }
  };
  mark();
  let pending;
  window.addEventListener("resize", () => {
    clearTimeout(pending);
    pending = setTimeout(mark, 200);
  });
})();
