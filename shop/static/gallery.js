// The product gallery (_picture.html): a thumbnail's link jumps to its photo, which without
// this script also scrolls the page; here it scrolls the strip alone, and the thumbnail of
// the photo in view is marked as the strip is swiped.
const still = window.matchMedia("(prefers-reduced-motion: reduce)").matches;

for (const gallery of document.querySelectorAll("[data-gallery]")) {
  const strip = gallery.querySelector(".gallery-slides");
  const slides = [...strip.children];
  const links = [...gallery.querySelectorAll(".gallery-thumbs a")];
  const mark = (index) => links.forEach((link, i) => {
    if (i === index) link.setAttribute("aria-current", "true");
    else link.removeAttribute("aria-current");
  });
  links.forEach((link, index) => link.addEventListener("click", (event) => {
    event.preventDefault();
    strip.scrollTo({ left: slides[index].offsetLeft, behavior: still ? "auto" : "smooth" });
    mark(index);
  }));
  const seen = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (entry.isIntersecting) mark(slides.indexOf(entry.target));
    }
  }, { root: strip, threshold: 0.6 });
  slides.forEach((slide) => seen.observe(slide));
}
