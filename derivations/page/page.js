// The companion page's own script: it wires the controls to the generated module `nnderive`
// (nnderive codegen --target js, embedded above) and writes every number the page shows.
// Nothing here computes the network: every value comes from nnderive.trace and nnderive.train (the layer
// view's matrices too: each entry is one of the trace's named quantities, see derivations/page/layers.py).
"use strict";

const DATA = JSON.parse(document.getElementById("nnderive-data").textContent);
const state = {
  params: DATA.start.params.slice(),
  x: DATA.start.x.slice(),
  y: DATA.start.y.slice(),
  selected: DATA.selected,
};

// --- numbers as the article writes them ---------------------------------------------------------

/** value to `digits` significant digits, written as Python's "{:.3g}" writes it (0.0474, 1.35e-05). */
function formatG(value, digits) {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  const exponent = Number(value.toExponential(digits - 1).split("e")[1]);
  let text;
  if (exponent < -4 || exponent >= digits) {
    let [mantissa, power] = value.toExponential(digits - 1).split("e");
    if (mantissa.includes(".")) mantissa = mantissa.replace(/\.?0+$/, "");
    const sign = power.startsWith("-") ? "-" : "+";
    power = power.replace(/^[+-]/, "");
    text = `${mantissa}e${sign}${power.padStart(2, "0")}`;
  } else {
    text = value.toPrecision(digits);
    if (text.includes(".")) text = text.replace(/\.?0+$/, "");
  }
  return text === "-0" ? "0" : text;
}

/** What a person with a calculator carries to the next step: the number rounded as shown. */
const carried = (value) => Number(formatG(value, DATA.digits));

// --- the live view -------------------------------------------------------------------------------

function targetsArgument(y) {
  return DATA.targets.length === 1 ? y[0] : y;
}

function update() {
  const y = targetsArgument(state.y);
  const exact = nnderive.trace(state.params, state.x, y);
  const shown = nnderive.trace(state.params, state.x, y, carried);
  for (const element of document.querySelectorAll("[data-q]")) {
    const name = element.dataset.q;
    if (!(name in exact)) continue;
    const text = formatG(shown[name], DATA.digits);
    element.textContent = text;
    const precise = formatG(exact[name], DATA.digits + 1);
    let title = `exact: ${exact[name]} ≈ ${precise}`;
    if (formatG(exact[name], DATA.digits) !== text) {
      element.classList.add("carried");
      title += ` (shown: rounded step by step, as the article does; the exact value rounds to ${formatG(exact[name], DATA.digits)})`;
    } else {
      element.classList.remove("carried");
    }
    element.title = title;
  }
  // the layer view: every entry is one of the same named quantities, rounded from its exact value
  for (const element of document.querySelectorAll("[data-x]")) {
    const value = exact[element.dataset.x];
    if (value === undefined) continue;
    element.textContent = formatG(value, DATA.digits);
    element.title = `exact: ${value} ≈ ${formatG(value, DATA.digits + 1)} (${element.dataset.label})`;
  }
  for (const edge of document.querySelectorAll(".network .edge[data-param]")) {
    const w = state.params[DATA.params.indexOf(edge.dataset.param)];
    edge.style.setProperty("--weight", Math.min(5, 0.8 + Math.abs(w)).toFixed(2));
    edge.classList.toggle("negative", w < 0);
  }
  for (const input of document.querySelectorAll("[data-number]")) {
    const value = state.params[DATA.params.indexOf(input.dataset.number)];
    if (document.activeElement !== input) input.value = String(value);
  }
  for (const slider of document.querySelectorAll("[data-slider]")) {
    slider.value = String(state.params[DATA.params.indexOf(slider.dataset.slider)]);
  }
  DATA.inputs.forEach((name, i) => setIfIdle(document.getElementById(`input-${name}`), state.x[i]));
  DATA.targets.forEach((name, i) => setIfIdle(document.getElementById(`input-${name}`), state.y[i]));
}

function setIfIdle(input, value) {
  if (input && document.activeElement !== input) input.value = String(value);
}

function select(param) {
  state.selected = param;
  const lit = DATA.reach[param];
  for (const element of document.querySelectorAll(".network [data-edge]")) {
    element.classList.toggle("lit", lit.edges.includes(element.dataset.edge));
  }
  for (const element of document.querySelectorAll(".network [data-node]")) {
    element.classList.toggle("lit", lit.nodes.includes(element.dataset.node));
  }
  for (const element of document.querySelectorAll(".network [data-param]")) {
    element.classList.toggle("chosen", element.dataset.param === param);
  }
  for (const element of document.querySelectorAll("[data-entry]")) {
    element.classList.toggle("chosen", element.dataset.entry === param);
  }
  for (const panel of document.querySelectorAll(".chain[data-param]")) {
    panel.hidden = panel.dataset.param !== param;
  }
  const chain = DATA.chains[param];
  for (const block of document.querySelectorAll(".factor[data-factor]")) {
    const place = chain.indexOf(block.dataset.factor);
    block.hidden = place < 0;
    block.style.order = String(place);  // in the chain's order, whatever the order on the page
  }
  const factors = new Set(chain);
  for (const row of document.querySelectorAll("#values tr[data-row]")) {
    row.classList.toggle("lit", factors.has(row.dataset.row) || row.dataset.row === `d_L_d_${param}`);
  }
  document.getElementById("chosen").value = param;
  const one = document.getElementById("one-slider");
  if (one) {
    one.dataset.slider = param;
    one.previousElementSibling.textContent = param;
    document.getElementById("one-number").dataset.number = param;
  }
  update();
}

function setParam(name, value) {
  if (!Number.isFinite(value)) return;
  state.params[DATA.params.indexOf(name)] = value;
  update();
}

function choosePerson(name) {
  const person = DATA.people.find((p) => p.name === name);
  if (!person) return;
  state.x = person.x.slice();
  state.y = [person.y];
  update();
}

/** Light up (or put out) every place of the parameter `name`: its edge or bias on the network, its
 * slider, and its entries in the layer view (the matrices of names and numbers, the map). */
function link(name, on) {
  const places = [
    ...document.querySelectorAll(`.network [data-param="${name}"], [data-entry="${name}"]`),
    ...[...document.querySelectorAll(`[data-slider="${name}"]`)].map((slider) => slider.closest("label")),
  ];
  for (const element of places) element.classList.toggle("linked", on);
}

// --- training ----------------------------------------------------------------------------------------

function train() {
  const learnRate = Number(document.getElementById("learn-rate").value);
  const epochs = Math.round(Number(document.getElementById("epochs").value));
  const message = document.getElementById("train-message");
  if (!(learnRate > 0) || !(epochs >= 1 && epochs <= 100000)) {
    message.textContent = "Give a learning rate above 0 and from 1 to 100000 epochs.";
    return;
  }
  const samples = DATA.training.length ? DATA.training : [{ x: state.x, y: state.y }];
  const X = samples.map((s) => s.x);
  const Y = samples.map((s) => targetsArgument(Array.isArray(s.y) ? s.y : [s.y]));
  const started = performance.now();
  const [trained, history] = nnderive.train(state.params, X, Y, epochs, learnRate);
  const took = performance.now() - started;
  state.params = trained;
  drawCurve(history);
  const last = history[history.length - 1];
  message.textContent = `${epochs} epochs in ${took.toFixed(0)} ms: the mean loss went from ` +
    `${formatG(history[0], 3)} to ${formatG(last, 3)}.`;
  document.getElementById("final-loss").textContent = formatG(last, 4);
  document.getElementById("final-loss").title = `exact: ${last}`;
  for (const cell of document.querySelectorAll("[data-prediction]")) {
    const person = DATA.predict.find((p) => p.name === cell.dataset.prediction);
    const value = nnderive.predict(state.params, [person.x])[0];
    cell.textContent = formatG(value, 3);
    cell.title = `exact: ${value}`;
    cell.nextElementSibling.textContent = value > 0.5 ? "F" : "M";
  }
  update();
}

function drawCurve(history) {
  const svg = document.getElementById("loss-curve");
  const [width, height, left, bottom] = [560, 220, 56, 30];
  const top = Math.max(...history);
  const points = history.map((value, i) => {
    const px = left + (history.length === 1 ? 0 : (i / (history.length - 1)) * (width - left - 12));
    const py = height - bottom - (top > 0 ? value / top : 0) * (height - bottom - 14);
    return `${px.toFixed(1)},${py.toFixed(1)}`;
  });
  svg.querySelector(".curve").setAttribute("points", points.join(" "));
  svg.querySelector(".y-top").textContent = formatG(top, 3);
  svg.querySelector(".x-end").textContent = String(history.length);
  svg.classList.add("drawn");
}

// --- wiring ------------------------------------------------------------------------------------------

function wire() {
  for (const element of document.querySelectorAll(".network [data-param]")) {
    element.addEventListener("click", () => select(element.dataset.param));
  }
  // hovering a parameter anywhere shows its other places; clicking an entry of the layer view chooses it
  const hovered = (element, name) => {
    element.addEventListener("mouseenter", () => link(name(), true));
    element.addEventListener("mouseleave", () => link(name(), false));
  };
  for (const element of document.querySelectorAll(".network [data-param]")) {
    hovered(element, () => element.dataset.param);
  }
  for (const slider of document.querySelectorAll("[data-slider]")) {
    hovered(slider.closest("label"), () => slider.dataset.slider);  // the one slider follows the choice
  }
  for (const element of document.querySelectorAll("[data-entry]")) {
    hovered(element, () => element.dataset.entry);
    element.addEventListener("click", () => select(element.dataset.entry));
  }
  document.getElementById("chosen").addEventListener("change", (event) => select(event.target.value));
  for (const slider of document.querySelectorAll("[data-slider]")) {
    slider.addEventListener("input", () => setParam(slider.dataset.slider, Number(slider.value)));
  }
  for (const input of document.querySelectorAll("[data-number]")) {
    input.addEventListener("input", () => setParam(input.dataset.number, Number(input.value)));
  }
  DATA.inputs.forEach((name, i) => {
    document.getElementById(`input-${name}`).addEventListener("input", (event) => {
      const value = Number(event.target.value);
      if (Number.isFinite(value)) { state.x[i] = value; update(); }
    });
  });
  DATA.targets.forEach((name, i) => {
    document.getElementById(`input-${name}`).addEventListener("input", (event) => {
      const value = Number(event.target.value);
      if (Number.isFinite(value)) { state.y[i] = value; update(); }
    });
  });
  const person = document.getElementById("person");
  if (person) person.addEventListener("change", () => choosePerson(person.value));
  document.getElementById("reset").addEventListener("click", () => {
    state.params = DATA.start.params.slice();
    state.x = DATA.start.x.slice();
    state.y = DATA.start.y.slice();
    if (person) person.value = DATA.start.person || "";
    update();
  });
  document.getElementById("train").addEventListener("click", train);
}

wire();
select(state.selected);
document.body.classList.add("ready");
