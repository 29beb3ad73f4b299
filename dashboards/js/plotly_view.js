// A Plotly plot driven from Python: draws `figure` (JSON text) whenever `revision` changes,
// then reports the revision back in `drawn`, so the server sends the next frame only once this
// one is on screen. Clicks send the clicked point's customdata; a "png" message downloads a
// figure as a PNG drawn here, in the browser. plotly.js is loaded once per page from the
// dashboard's own server (never a CDN).
const PLOTLY_URL = "/_servicechain/plotly.min.js";

function loadPlotly() {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__servicechainPlotly) {
    window.__servicechainPlotly = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = PLOTLY_URL;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => {
        window.__servicechainPlotly = null;
        reject(new Error("cannot load " + PLOTLY_URL));
      };
      document.head.appendChild(script);
    });
  }
  return window.__servicechainPlotly;
}

const CONFIG = {
  displaylogo: false,
  responsive: false, // the width follows the container below; the height is the figure's
  modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
  toImageButtonOptions: { format: "png", scale: 2 },
};

async function render({ model, el }) {
  const div = document.createElement("div");
  div.className = "sc-plot";
  div.style.width = "100%";
  el.appendChild(div);
  const Plotly = await loadPlotly();
  let alive = true;
  let drawing = false;
  let again = false;
  let listening = false;

  async function draw() {
    if (drawing) {
      again = true;
      return;
    }
    drawing = true;
    try {
      do {
        again = false;
        const revision = model.get("revision");
        const text = model.get("figure");
        if (!text) break;
        const fig = JSON.parse(text);
        await Plotly.react(div, fig.data, sized(fig.layout), CONFIG);
        if (!alive) return;
        if (!listening) {
          listening = true;
          div.on("plotly_click", (ev) => {
            const point = ev && ev.points && ev.points[0];
            if (point && point.customdata !== undefined) {
              model.send({ event: "click", customdata: point.customdata });
            }
          });
        }
        model.set("drawn", revision);
        model.save_changes();
      } while (again && alive);
    } catch (err) {
      console.warn("servicechain plot:", err);
    } finally {
      drawing = false;
    }
  }

  // The plot is as wide as its container, measured here (Plotly's own autosize measured 0 in a
  // container that was being re-laid out, and drew nothing).
  function sized(layout) {
    const width = Math.floor(el.getBoundingClientRect().width);
    return Object.assign({}, layout, { autosize: false, width: width > 0 ? width : 600 });
  }

  async function onMessage(msg) {
    if (msg && msg.type === "png") {
      const fig = JSON.parse(msg.figure);
      await Plotly.downloadImage(
        { data: fig.data, layout: fig.layout },
        { format: "png", width: msg.width, height: msg.height, filename: msg.filename },
      );
    }
  }

  const redraw = () => requestAnimationFrame(draw);
  model.on("change:revision", redraw);
  model.on("msg:custom", onMessage);
  // Follow the container's width (the presentation layout, a window resize); never while the
  // container is hidden, which would squash the plot to nothing.
  let lastWidth = 0;
  const resize = new ResizeObserver(() => {
    const width = Math.floor(el.getBoundingClientRect().width);
    if (div.data && el.offsetParent !== null && width > 0 && width !== lastWidth) {
      lastWidth = width;
      Plotly.relayout(div, { width });
    }
  });
  resize.observe(el);
  await draw();
  return () => {
    alive = false;
    resize.disconnect();
    model.off("change:revision", redraw);
    model.off("msg:custom", onMessage);
    Plotly.purge(div);
  };
}

export default { render };
