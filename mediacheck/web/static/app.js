// mediacheck serve: the page's only script (served as a file; the CSP allows no inline script).
// Folder picker, drop zone and uploads, and following a check as Server-Sent Events.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const texts = () => {
    const node = $("texts");
    return node ? JSON.parse(node.textContent) : {};
  };
  const fmt = (text, params) =>
    String(text || "").replace(/\{(\w+)\}/g, (m, k) => (k in params ? params[k] : m));
  const csrf = () => document.querySelector('meta[name="csrf"]').content;
  const human = (n) => {
    const units = ["B", "KB", "MB", "GB"];
    let v = n, i = 0;
    while (v >= 1000 && i < units.length - 1) { v /= 1000; i += 1; }
    return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
  };

  // ------------------------------------------------------------------ folder picker (local)
  function initPicker() {
    const box = $("picker"), list = $("picker-list"), input = $("path");
    if (!box) return;
    const T = texts();
    let current = null;
    async function load(path) {
      const url = "/api/browse" + (path ? "?path=" + encodeURIComponent(path) : "");
      const response = await fetch(url, { credentials: "same-origin" });
      const data = await response.json();
      if (!response.ok) { $("picker-path").textContent = data.message; return; }
      current = data.path;
      $("picker-path").textContent = data.path;
      $("picker-media").textContent = data.media ? fmt(T.pick_media, { count: data.media }) : "";
      const roots = $("picker-roots");
      roots.replaceChildren();
      for (const root of data.roots) {
        const b = document.createElement("button");
        b.type = "button"; b.className = "link"; b.textContent = root.name;
        b.addEventListener("click", () => load(root.path));
        roots.append(b);
      }
      list.replaceChildren();
      if (data.parent) list.append(item("↑ " + T.pick_up, data.parent, "up"));
      for (const dir of data.dirs) list.append(item("📁 " + dir.name, dir.path, ""));
      if (!data.dirs.length) {
        const li = document.createElement("li");
        li.className = "dim"; li.textContent = T.pick_empty; list.append(li);
      }
    }
    function item(label, path, cls) {
      const li = document.createElement("li");
      const b = document.createElement("button");
      b.type = "button"; b.className = "entry " + cls; b.textContent = label;
      b.addEventListener("click", () => load(path));
      li.append(b);
      return li;
    }
    $("browse").addEventListener("click", () => { box.hidden = false; load(input.value.trim()); });
    $("picker-close").addEventListener("click", () => { box.hidden = true; });
    $("picker-choose").addEventListener("click", () => {
      if (current) { input.value = current; box.hidden = true; input.focus(); }
    });
  }

  // ------------------------------------------------------------------ collecting dropped files
  async function entriesOf(dataTransfer) {
    const roots = [];
    for (const item of dataTransfer.items || []) {
      const entry = item.webkitGetAsEntry && item.webkitGetAsEntry();
      if (entry) roots.push(entry);
    }
    return roots;
  }
  function readAll(reader) {
    return new Promise((resolve, reject) => {
      const out = [];
      const next = () => reader.readEntries((batch) => {
        if (!batch.length) resolve(out); else { out.push(...batch); next(); }
      }, reject);
      next();
    });
  }
  async function walk(entry, prefix, out) {
    if (entry.isFile) {
      const file = await new Promise((res, rej) => entry.file(res, rej));
      out.push({ path: prefix + entry.name, file });
    } else if (entry.isDirectory) {
      for (const child of await readAll(entry.createReader())) {
        await walk(child, prefix + entry.name + "/", out);
      }
    }
  }
  // Files of one dropped folder, relative to it: [{path, file}], and the folder's name.
  async function folderFiles(roots) {
    if (roots.length === 1 && roots[0].isDirectory) {
      const out = [];
      for (const child of await readAll(roots[0].createReader())) await walk(child, "", out);
      return { name: roots[0].name, files: out };
    }
    const out = [];
    for (const root of roots) await walk(root, "", out);
    return { name: null, files: out };
  }
  function inputFiles(input) {
    const files = Array.from(input.files || []);
    if (!files.length) return { name: null, files: [] };
    const rel = files[0].webkitRelativePath || "";
    if (rel.includes("/")) {
      const name = rel.split("/")[0];
      return { name, files: files.map((f) => ({ path: f.webkitRelativePath.slice(name.length + 1), file: f })) };
    }
    return { name: null, files: files.map((f) => ({ path: f.name, file: f })) };
  }

  // ------------------------------------------------------------------ uploading
  function put(url, file, onProgress) {
    return new Promise((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open("PUT", url);
      xhr.setRequestHeader("X-CSRF-Token", csrf());
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.upload.addEventListener("progress", (e) => onProgress(e.loaded));
      xhr.addEventListener("load", () => {
        let data = {};
        try { data = JSON.parse(xhr.responseText); } catch (e) { data = { message: xhr.statusText }; }
        if (xhr.status >= 200 && xhr.status < 300) resolve(data);
        else reject(new Error(data.message || xhr.statusText));
      });
      xhr.addEventListener("error", () => reject(new Error(fmt(texts().upload_interrupted, { file: file.name }))));
      xhr.send(file);
    });
  }
  async function postJSON(url, body) {
    const response = await fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
      body: JSON.stringify(body || {}),
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.message || response.statusText);
    return data;
  }
  // Send every file, two at a time; report progress as bytes sent of the total.
  async function uploadAll(base, startBody, items, onProgress) {
    const started = await postJSON(base, startBody);
    const total = items.reduce((n, it) => n + it.file.size, 0) || 1;
    const sent = new Array(items.length).fill(0);
    let done = 0, next = 0;
    const report = () => onProgress(done, items.length, sent.reduce((a, b) => a + b, 0) / total);
    async function worker() {
      while (next < items.length) {
        const i = next++;
        const url = `${base}/${started.id}/files?path=` + encodeURIComponent(items[i].path);
        await put(url, items[i].file, (loaded) => { sent[i] = loaded; report(); });
        sent[i] = items[i].file.size; done += 1; report();
      }
    }
    await Promise.all([worker(), worker()]);
    return postJSON(`${base}/${started.id}/finish`, {});
  }

  // ------------------------------------------------------------------ drop zone (local)
  function initLocalDrop() {
    const zone = $("drop");
    if (!zone || zone.dataset.mode !== "local") return;
    const T = texts();
    const status = $("drop-status"), bar = $("drop-progress");
    async function send(picked) {
      if (!picked.name || !picked.files.length) { status.textContent = T.drop_need_folder; return; }
      bar.hidden = false;
      try {
        const result = await uploadAll("/api/uploads", { name: picked.name }, picked.files,
          (done, total, fraction) => {
            bar.value = fraction;
            status.textContent = fmt(T.drop_uploading, { done, total });
          });
        window.location.href = result.url;
      } catch (err) {
        status.textContent = fmt(T.drop_failed, { detail: err.message });
      }
    }
    zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", async (e) => {
      e.preventDefault();
      zone.classList.remove("over");
      // A file manager that tells the path (text/uri-list): read the folder where it is.
      const uris = (e.dataTransfer.getData("text/uri-list") || "").split(/\r?\n/)
        .filter((u) => u.startsWith("file://"));
      if (uris.length === 1) {
        $("path").value = uris[0];
        $("check-form").submit();
        return;
      }
      send(await folderFiles(await entriesOf(e.dataTransfer)));
    });
    $("drop-input").addEventListener("change", (e) => send(inputFiles(e.target)));
  }

  // ------------------------------------------------------------------ following a job
  function follow(url, handlers) {
    const source = new EventSource(url);
    const on = (name, fn) => source.addEventListener(name, (e) => fn(JSON.parse(e.data)));
    for (const [name, fn] of Object.entries(handlers)) on(name, fn);
    const stop = () => source.close();
    source.addEventListener("done", stop);
    source.addEventListener("failed", stop);
    return source;
  }
  function initJob() {
    const box = $("job");
    if (!box) return;
    const T = texts();
    const bar = $("progress"), status = $("status"), cards = $("cards");
    let cardCount = 0, failing = 0;
    follow(box.dataset.events, {
      start: (d) => { bar.max = Math.max(d.total, 1); bar.value = 0; },
      file: (d) => {
        bar.max = Math.max(d.total, 1); bar.value = d.done;
        status.textContent = fmt(T.job_progress, d) + " — " + fmt(T.job_reading, d);
      },
      fixprogress: (d) => {
        bar.max = 1; bar.value = d.fraction;
        status.textContent = T.fix_building + " " + Math.round(d.fraction * 100) + "% — " + d.file;
      },
      fixfile: (d) => {
        const li = document.createElement("li");
        li.className = "fix-" + d.status; li.textContent = d.text;
        $("fixlog").append(li);
      },
      fixdone: (d) => {
        const li = document.createElement("li");
        li.className = "fix-summary"; li.textContent = d.text;
        $("fixlog").append(li);
        status.textContent = T.fix_recheck;
      },
      card: (d) => {
        cardCount += 1;
        if (!d.passed) failing += 1;
        cards.insertAdjacentHTML("beforeend", d.html);
      },
      done: (d) => {
        if (box.dataset.kind === "intake") {   // the stored result, rendered by the server
          if (d.status !== "checking") window.location.reload();
          return;
        }
        bar.max = 1; bar.value = 1;
        status.textContent = d.submissions ? fmt(T.job_done, d) : T.job_none;
        for (const p of d.problems || []) status.textContent += " " + p;
        $("actions").hidden = false;
        const fix = $("fix-link");
        if (fix) fix.hidden = !(cardCount === 1 && failing === 1);
      },
      failed: (d) => {
        status.textContent = fmt(T.job_failed, d);
        status.classList.add("error");
        $("actions").hidden = false;
      },
    });
  }

  // ------------------------------------------------------------------ intake: school upload
  function initSchool() {
    const form = $("submit-form");
    if (!form) return;
    const T = texts();
    const zone = $("drop"), status = $("drop-status"), bar = $("drop-progress");
    const button = $("send");
    let picked = { name: null, files: [] };
    const show = () => {
      const size = picked.files.reduce((n, it) => n + it.file.size, 0);
      status.textContent = picked.files.length ? fmt(T.school_selected, { count: picked.files.length, size: human(size) }) : "";
      button.disabled = !picked.files.length;
    };
    zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", async (e) => {
      e.preventDefault(); zone.classList.remove("over");
      picked = await folderFiles(await entriesOf(e.dataTransfer)); show();
    });
    for (const id of ["folder-input", "files-input"]) {
      $(id).addEventListener("change", (e) => { picked = inputFiles(e.target); show(); });
    }
    form.addEventListener("submit", async (e) => {
      e.preventDefault();
      const activity = $("activity-new").value.trim() || $("activity").value;
      if (!activity) { status.textContent = T.school_need_activity; return; }
      button.disabled = true; bar.hidden = false;
      const verdict = $("verdict");
      verdict.replaceChildren();
      try {
        const result = await uploadAll("/api/uploads", { activity }, picked.files,
          (done, total, fraction) => {
            bar.value = fraction;
            status.textContent = fmt(T.school_sending, { done, total, percent: Math.round(fraction * 100) });
          });
        status.textContent = T.school_finishing;
        follow(result.events, {
          verdict: (d) => {
            status.textContent = d.passed ? T.school_verdict_pass : T.school_verdict_fail;
          },
          card: (d) => verdict.insertAdjacentHTML("beforeend", d.html),
          done: () => {
            status.textContent = ""; bar.hidden = true;
            picked = { name: null, files: [] };
            for (const id of ["folder-input", "files-input"]) $(id).value = "";
            show(); refreshHistory();
          },
          failed: (d) => { status.textContent = fmt(T.job_failed, d); button.disabled = false; },
        });
      } catch (err) {
        status.textContent = fmt(T.drop_failed, { detail: err.message });
        button.disabled = false;
      }
    });
    show();
  }
  async function refreshHistory() {
    const box = $("history");
    if (!box) return;
    const response = await fetch("/school/history", { credentials: "same-origin" });
    if (response.ok) box.innerHTML = await response.text();
  }

  // Forms that undo something (revoking a code) ask first.
  function initConfirm() {
    for (const form of document.querySelectorAll("form[data-confirm]")) {
      form.addEventListener("submit", (e) => {
        if (!window.confirm(form.dataset.confirm)) e.preventDefault();
      });
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    initConfirm();
    initPicker();
    initLocalDrop();
    initJob();
    initSchool();
  });
})();
