// Tells the server which week the page shows: the text of the week counter, each time it
// changes. Pause then stops the runs at exactly that week (the server discards the weeks it
// simulated ahead of the picture), even when later frames are still on their way here.
function render({ model }) {
  let last = null;
  const report = () => {
    const el = document.querySelector(".sc-week");
    const match = el && /Week (\d+)/.exec(el.innerText);
    if (!match || match[1] === last) return;
    last = match[1];
    model.send({ week: Number(last) });
  };
  const watcher = new MutationObserver(report);
  watcher.observe(document.body, { childList: true, subtree: true, characterData: true });
  report();
  return () => watcher.disconnect();
}

export default { render };
