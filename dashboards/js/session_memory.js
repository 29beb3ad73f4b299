// Keeps a small text (the lessons' progress) in the browser's session storage, so a reload of
// the tab finds it again: on load it sends the stored text to the server; whenever the server
// changes the value, it is stored. Session storage belongs to this tab and ends with it.
function render({ model }) {
  const key = model.get("key");
  let stored = null;
  try {
    stored = window.sessionStorage.getItem(key);
  } catch (e) {
    stored = null; // storage refused (private mode): progress lasts as long as the page
  }
  if (stored) model.send({ restore: stored });
  const save = () => {
    const value = model.get("value");
    if (!value) return;
    try {
      window.sessionStorage.setItem(key, value);
    } catch (e) {
      /* storage full or refused: nothing to do */
    }
  };
  model.on("change:value", save);
  return () => model.off("change:value", save);
}

export default { render };
