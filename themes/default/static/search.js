// Search box for sitegen's default theme, over the Pagefind index at <base path>pagefind/.
// Progressive enhancement: the page ships links to the tag and speaker indexes; this script
// replaces them with a search form once it knows an index exists (its small entry file), and
// loads Pagefind itself only when the reader first uses the form, so reading a page costs
// nothing. Result text is inserted as text nodes (only Pagefind's <mark> highlights are kept),
// never as HTML. Results come SHOWN at a time: "Show more stories" appends the next ones and
// moves the keyboard focus to the first of them; the status line (a live region) says how many
// are shown of how many found.
const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];
const FILTERS = [["speaker", "Any speaker"], ["tag", "Any tag"]];
const SHOWN = 10;

function humanDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
  return m ? `${MONTHS[Number(m[2]) - 1]} ${Number(m[3])}, ${m[1]}` : "";
}

function el(tag, attrs = {}, text = "") {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  if (text) node.textContent = text;
  return node;
}

function excerptNodes(html) {
  // Pagefind excerpts are HTML with <mark>; parse inertly and keep only text and marks.
  const doc = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html");
  const out = [];
  for (const node of doc.body.firstChild.childNodes) {
    out.push(node.nodeName === "MARK" ? el("mark", {}, node.textContent)
      : document.createTextNode(node.textContent));
  }
  return out;
}

async function start(box) {
  const base = box.dataset.searchBase || "/";
  let parts;
  try {
    const response = await fetch(`${base}pagefind/parts.json`);
    if (!response.ok) return; // no index (pagefind missing at build time): keep the links
    parts = (await response.json()).parts;
  } catch (error) {
    return;
  }
  if (!parts.length) return;
  let loading = null;
  function load() {
    loading = loading || (async () => {
      // One Pagefind index per part of the archive (disjoint date ranges, newest first): the
      // first is loaded and the others merged into it, each tagged with a `part` filter so a
      // date-sorted listing can ask the parts in date order (see `listing`).
      const pagefind = await import(`${base}pagefind/${parts[0]}/pagefind.js`);
      await pagefind.options({ baseUrl: base, mergeFilter: { part: parts[0] } });
      await pagefind.init();
      await Promise.all(parts.slice(1).map((part) => pagefind.mergeIndex(
        `${base}pagefind/${part}/`, { baseUrl: base, mergeFilter: { part } })));
      return pagefind;
    })();
    return loading;
  }
  let filling = null;
  function fill() {
    // The speaker and tag values are in every part's filter files (two per part): fetched when
    // the reader reaches a filter, not for a typed query.
    filling = filling || (async () => {
      const pagefind = await load();
      let available = {};
      try { available = await pagefind.filters(); } catch (error) { available = {}; }
      for (const [name, select] of Object.entries(selects)) {
        const values = Object.keys(available[name] || {}).sort((a, b) => a.localeCompare(b));
        for (const value of values) select.append(el("option", { value }, value));
      }
    })();
    return filling;
  }
  const form = el("form", { class: "search-form", action: "#" });
  const label = el("label", { for: "search-input", class: "visually-hidden" }, "Search stories");
  const input = el("input", { type: "search", id: "search-input", name: "q",
    placeholder: "Search stories, people, places", autocomplete: "off" });
  form.append(label, input);
  const selects = {};
  for (const [name, any] of FILTERS) {
    const select = el("select", { name, "aria-label": `Filter by ${name}` });
    select.append(el("option", { value: "" }, any));
    selects[name] = select;
    form.append(select);
  }
  const status = el("p", { class: "search-status", "aria-live": "polite" });
  const results = el("ol", { class: "search-results" });
  const more = el("button", { type: "button", class: "search-more" }, "Show more stories");
  more.hidden = true;
  const fallback = box.querySelector(".search-fallback");
  box.append(form, status, results, more);
  if (fallback) fallback.hidden = true;

  async function listing(pagefind, filters) {
    // Filters alone list stories newest first. Merged indexes rank by score, and each part
    // scores its own date order, so the parts are asked one by one, newest part first.
    const found = await Promise.all(parts.map((part) => pagefind.search(null,
      { filters: { ...filters, part }, sort: { date: "desc" } })));
    return { results: found.flatMap((search) => search.results) };
  }

  let latest = 0;
  let found = [];   // the current search's results, in order
  let shown = 0;

  function entry(item) {
    const li = el("li", { class: "search-result" });
    const link = el("a", { href: item.url }, item.meta.title || item.url);
    const date = humanDate(item.meta.date);
    li.append(link);
    if (date) li.append(" ", el("time", { datetime: item.meta.date, class: "meta" }, date));
    const excerpt = el("p", { class: "search-excerpt" });
    excerpt.append(...excerptNodes(item.excerpt || ""));
    li.append(excerpt);
    return li;
  }

  async function showNext(ticket) {
    // The next SHOWN results (Pagefind loads each result's data only when asked for it).
    const data = await Promise.all(found.slice(shown, shown + SHOWN).map((r) => r.data()));
    if (ticket !== latest) return [];
    const items = data.map(entry);
    results.append(...items);
    shown += items.length;
    const n = found.length;
    status.textContent = n ? `${n} stor${n === 1 ? "y" : "ies"}${n > shown ? `, showing ${shown}` : ""}`
      : "No stories found";
    more.hidden = shown >= n;
    return items;
  }

  async function run() {
    const ticket = ++latest;
    const pagefind = await load();
    const query = input.value.trim();
    const filters = {};
    for (const [name, select] of Object.entries(selects)) if (select.value) filters[name] = select.value;
    if (!query && !Object.keys(filters).length) {
      results.replaceChildren();
      status.textContent = "";
      more.hidden = true;
      return;
    }
    const search = query ? await pagefind.debouncedSearch(query, { filters }, 150)
      : await listing(pagefind, filters);
    if (search === null || ticket !== latest) return;
    found = search.results;
    shown = 0;
    results.replaceChildren();
    await showNext(ticket);
  }
  more.addEventListener("click", async () => {
    const items = await showNext(latest);
    const first = items.length ? items[0].querySelector("a") : null;
    if (first) first.focus();
  });
  form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
  input.addEventListener("input", run);
  for (const select of Object.values(selects)) select.addEventListener("change", run);
  form.addEventListener("focusin", (event) => {
    load().catch(() => {});
    if (event.target.tagName === "SELECT") fill().catch(() => {});
  });
  for (const select of Object.values(selects)) {
    select.addEventListener("pointerdown", () => { fill().catch(() => {}); });
  }
  box.classList.add("search-ready");
}

for (const box of document.querySelectorAll("[data-search-base]")) start(box);
