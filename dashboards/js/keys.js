// Keyboard shortcuts for presenting: sends the keys listed in `shortcuts` to Python, except while
// the user types in a field or moves a slider with the arrow keys (the slider's own keys).
function render({ model }) {
  const onKey = (event) => {
    const target = event.target || {};
    const tag = (target.tagName || "").toLowerCase();
    if (["input", "textarea", "select"].includes(tag) || target.isContentEditable) return;
    if (target.closest && target.closest(".v-slider, [role=slider]")) return;
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    if (!model.get("shortcuts").includes(event.key)) return;
    event.preventDefault();
    if (target.blur && tag === "button") target.blur();
    model.send({ key: event.key });
  };
  document.addEventListener("keydown", onKey);
  return () => document.removeEventListener("keydown", onKey);
}

export default { render };
