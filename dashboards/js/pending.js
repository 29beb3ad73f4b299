// Feedback in the browser the moment a slow change is asked for, before the server answers:
// choosing another organization or files to upload shows a loading line and turns Play off at
// once, however busy the machine. The server's own loading state (.sc-loading) then takes over;
// this line goes when that one appears, or after `timeout_ms` if the server never starts one.
function render({ model }) {
  let local = null;
  let timer = null;
  let watcher = null;

  const clear = () => {
    if (timer) clearTimeout(timer);
    if (watcher) watcher.disconnect();
    timer = watcher = null;
    if (!local) return;
    local.remove();
    local = null;
    const app = document.querySelector(".sc-app");
    const server = document.querySelector(".sc-loading:not(.sc-loading-local)");
    if (app && !server) app.classList.remove("sc-waiting");
    const play = document.querySelector(".sc-play");
    if (play && !server && play.dataset.scPending) {
      play.disabled = false;
      play.classList.remove("v-btn--disabled");
    }
    if (play) delete play.dataset.scPending;
  };

  const show = (text) => {
    clear();
    const bar = document.querySelector(".sc-runbar");
    if (!bar) return;
    local = document.createElement("div");
    local.className = "sc-loading sc-loading-local";
    local.innerHTML = "<span class='sc-spinner'></span>";
    local.appendChild(document.createTextNode(text + " Play waits until it is ready."));
    bar.insertAdjacentElement("afterend", local);
    const app = document.querySelector(".sc-app");
    if (app) app.classList.add("sc-waiting");
    const play = document.querySelector(".sc-play");
    if (play && !play.disabled) {
      play.disabled = true;
      play.classList.add("v-btn--disabled");
      play.dataset.scPending = "1";
    }
    // The server's loading state replaces this one as soon as it is drawn.
    watcher = new MutationObserver(() => {
      if (document.querySelector(".sc-loading:not(.sc-loading-local)")) clear();
    });
    watcher.observe(document.body, { childList: true, subtree: true });
    timer = setTimeout(clear, model.get("timeout_ms"));
  };

  const onClick = (event) => {
    const item = event.target.closest && event.target.closest(".v-menu__content .v-list-item");
    if (!item || !document.querySelector(".sc-preset .v-select--is-menu-active")) return;
    const current = document.querySelector(".sc-preset .v-select__selection");
    const title = item.innerText.trim();
    if (current && current.innerText.trim() === title) return;
    show(`Opening ${title}…`);
  };
  const onChange = (event) => {
    const input = event.target;
    if (!input.matches || !input.matches(".sc-upload-picker input[type=file]")) return;
    if (!input.files || !input.files.length) return;
    const names = [...input.files].map((f) => f.name).join(", ");
    show(`Reading ${names}…`);
  };
  document.addEventListener("click", onClick, true);
  document.addEventListener("change", onChange, true);
  return () => {
    clear();
    document.removeEventListener("click", onClick, true);
    document.removeEventListener("change", onChange, true);
  };
}

export default { render };
