// essor — progressive enhancement of the server-rendered pages: suggestions as one types
// (ARIA combobox), marker popups on the map, and the print button. Pages work without it.
(function () {
  "use strict";

  // ---- Suggestions -------------------------------------------------------------------------
  var live = document.createElement("div");
  live.className = "visually-hidden";
  live.setAttribute("aria-live", "polite");
  live.setAttribute("role", "status");
  document.addEventListener("DOMContentLoaded", function () { document.body.appendChild(live); });

  var uid = 0;
  function setupSuggest(input) {
    var kind = input.getAttribute("data-suggest");
    var list = document.createElement("ul");
    list.className = "suggest";
    list.id = "suggest-" + (++uid);
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Suggestions");
    list.hidden = true;
    input.setAttribute("aria-controls", list.id);
    input.parentNode.appendChild(list);
    var items = [], active = -1, timer = null, seq = 0;

    function currentToken() {
      if (kind !== "cpv") return input.value;
      var parts = input.value.split(/[,;]/);
      return parts[parts.length - 1].trim();
    }
    function close() {
      list.hidden = true;
      list.innerHTML = "";
      items = [];
      active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function highlight(i) {
      active = i;
      for (var k = 0; k < list.children.length; k++) {
        list.children[k].setAttribute("aria-selected", k === i ? "true" : "false");
      }
      if (i >= 0 && list.children[i]) {
        input.setAttribute("aria-activedescendant", list.children[i].id);
        list.children[i].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }
    function choose(i) {
      var s = items[i];
      if (!s) return;
      if (kind === "cpv") {
        var parts = input.value.split(/[,;]/).map(function (p) { return p.trim(); }).filter(Boolean);
        parts.pop();
        if (parts.indexOf(s.value) < 0) parts.push(s.value);
        input.value = parts.join(", ") + ", ";
      } else if (kind === "trades" && s.kind === "commune") {
        var place = document.querySelector("input[name=autour]");
        if (place) { place.value = s.value; input.value = ""; }
        else input.value = s.value;
      } else {
        input.value = s.value;
      }
      close();
      input.focus();
    }
    function render(data, q) {
      items = data;
      list.setAttribute("data-q", q);
      list.innerHTML = "";
      data.forEach(function (s, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        if (kind === "trades") {
          var k = document.createElement("span");
          k.className = "kind";
          k.textContent = s.kind === "commune" ? "Commune" : "Métier";
          li.appendChild(k);
        }
        li.appendChild(document.createTextNode(s.label));
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      active = -1;
      if (data.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        live.textContent = data.length + (data.length > 1 ? " suggestions disponibles" : " suggestion disponible") + ", flèches haut et bas pour parcourir.";
      } else {
        close();
      }
    }
    function fetchNow() {
      var q = currentToken();
      if (q.length < 2) { close(); return; }
      var my = ++seq;
      var type = kind === "trades" ? "all" : kind;
      fetch("/suggestions?type=" + encodeURIComponent(type) + "&q=" + encodeURIComponent(q))
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (data) { if (my === seq && document.activeElement === input) render(data, q); })
        .catch(function () {});
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchNow, 120);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) {
        if (e.key === "ArrowDown" && currentToken().length >= 2) { fetchNow(); e.preventDefault(); }
        return;
      }
      if (e.key === "ArrowDown") { highlight(Math.min(active + 1, items.length - 1)); e.preventDefault(); }
      else if (e.key === "ArrowUp") { highlight(Math.max(active - 1, -1)); e.preventDefault(); }
      else if (e.key === "Enter" && active >= 0) { choose(active); e.preventDefault(); }
      else if (e.key === "Escape") { close(); e.preventDefault(); }
      else if (e.key === "Tab") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
  }

  // ---- Map popups --------------------------------------------------------------------------
  function setupMap(svg) {
    var wrap = svg.parentNode;
    var popup = wrap.querySelector(".popup");
    if (!popup) return;
    popup.setAttribute("role", "dialog");
    popup.setAttribute("aria-label", "Fiche du résultat");
    var opener = null;
    function hide() {
      popup.hidden = true;
      popup.innerHTML = "";
      document.querySelectorAll(".card.active").forEach(function (c) { c.classList.remove("active"); });
      if (opener) { opener.focus(); opener = null; }
    }
    svg.querySelectorAll("a.marker[data-card]").forEach(function (m) {
      m.addEventListener("click", function (e) {
        var card = document.getElementById(m.getAttribute("data-card"));
        if (!card) return;
        e.preventDefault();
        document.querySelectorAll(".card.active").forEach(function (c) { c.classList.remove("active"); });
        card.classList.add("active");
        opener = m;
        popup.innerHTML = "";
        var close = document.createElement("button");
        close.type = "button";
        close.className = "btn btn-small close";
        close.textContent = "Fermer";
        close.addEventListener("click", hide);
        popup.appendChild(close);
        var article = card.querySelector("article").cloneNode(true);
        article.removeAttribute("aria-labelledby");
        article.querySelectorAll("[id]").forEach(function (n) { n.removeAttribute("id"); });
        popup.appendChild(article);
        var link = document.createElement("p");
        var a = document.createElement("a");
        a.href = "#" + card.id;
        a.textContent = "Voir dans la liste";
        link.appendChild(a);
        popup.appendChild(link);
        popup.hidden = false;
        close.focus();
      });
    });
    popup.addEventListener("keydown", function (e) { if (e.key === "Escape") { hide(); } });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-suggest]").forEach(setupSuggest);
    document.querySelectorAll("svg.map").forEach(setupMap);
    // On a phone the results come first: the filters fold away (still one tap away).
    var filters = document.getElementById("filtres-details");
    if (filters && window.matchMedia("(max-width: 61.99rem)").matches) filters.open = false;
    document.querySelectorAll("[data-print]").forEach(function (b) {
      b.hidden = false;
      b.addEventListener("click", function () { window.print(); });
    });
  });
})();
