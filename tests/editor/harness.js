// In-page harness for Label Studio's editor (LSF 1.4.0): starts the editor on a config and task, watches until every
// <Channel> is drawn or the editor reports a validation error, records timings, and serializes what the editor holds.
// lsf-check.js drives it through playwright-core; a person can open /?project=<id>&task=<id> on a server with an
// upstream (serve.js --upstream) to label a task from the Label Studio emulator by hand.
(function () {
  'use strict';

  var DEFAULT_INTERFACES = [
    'panel', 'update', 'submit', 'controls', 'side-column', 'topbar',
    'annotations:menu', 'annotations:add-new', 'annotations:delete', 'predictions:menu',
  ];

  var h = {
    phase: 'idle',
    startedAt: null,
    loadedAt: null,
    drawnAt: null,
    invalidAt: null,
    expectChannels: null,
    submissions: [],
    errors: [],
    task: null,
    config: null,
  };
  window.__harness = h;

  window.addEventListener('error', function (e) {
    // Chromium reports a layout that settles over two frames (here: the annotation list appearing next to the charts)
    // as this error; it is harmless, the spec's own wording is "undelivered notifications", and nothing is lost.
    if (/^ResizeObserver loop (completed with undelivered notifications|limit exceeded)/.test(e.message || '')) return;
    h.errors.push('window.onerror: ' + (e.error && e.error.stack ? e.error.stack : e.message));
  });
  window.addEventListener('unhandledrejection', function (e) {
    var r = e.reason;
    h.errors.push('unhandledrejection: ' + (r && r.stack ? r.stack : String(r)));
  });

  function store() {
    return window.Htx && window.Htx.annotationStore;
  }

  // Htx.annotationStore.validation: [{error, value, modelName, field}] or null.
  h.validation = function () {
    var s = store();
    var v = s && s.validation;
    if (!v || !v.length) return null;
    return Array.prototype.map.call(v, function (e) {
      return { error: String(e.error), value: e.value == null ? null : String(e.value), modelName: e.modelName || null, field: e.field || null };
    });
  };

  // One entry per channel chart (each has a d3 brush overlay g.new_brush > rect.overlay): its legend, the line's
  // computed stroke, its path and its drawn extent.
  h.charts = function () {
    var overlays = document.querySelectorAll('g.new_brush rect.overlay');
    return Array.prototype.map.call(overlays, function (overlay) {
      var svg = overlay.ownerSVGElement;
      var path = svg && svg.querySelector('g[clip-path] > path');
      var legend = svg && svg.querySelector('text');
      var d = path ? path.getAttribute('d') || '' : '';
      var style = path ? getComputedStyle(path) : null;
      var box = { width: 0, height: 0 };
      try { if (path) box = path.getBBox(); } catch (e) { /* not rendered */ }
      var rect = overlay.getBoundingClientRect();
      return {
        legend: legend ? legend.textContent : null,
        stroke: style ? style.stroke : null,
        strokeWidth: style ? parseFloat(style.strokeWidth) : 0,
        opacity: style ? parseFloat(style.opacity) : 0,
        display: style ? style.display : null,
        pathLength: d.length,
        hasNaN: /NaN|Infinity/.test(d),
        lineWidth: box.width,
        lineHeight: box.height,
        overlay: { x: rect.x, y: rect.y, width: rect.width, height: rect.height },
      };
    });
  };

  h.isVisible = function (c) {
    return c.pathLength > 1 && !c.hasNaN && c.stroke && c.stroke !== 'none' && c.stroke !== 'transparent'
      && c.stroke !== 'rgba(0, 0, 0, 0)' && c.strokeWidth > 0 && c.opacity > 0 && c.display !== 'none' && c.lineWidth > 0;
  };

  function watch() {
    if (h.phase !== 'started') return;
    var now = performance.now();
    if (h.invalidAt === null && h.validation()) h.invalidAt = now;
    if (h.drawnAt === null) {
      var charts = h.charts();
      if (h.expectChannels !== null && charts.length >= h.expectChannels && charts.every(function (c) { return c.pathLength > 0; })) {
        h.drawnAt = now;
      }
    }

    if (h.drawnAt === null || h.invalidAt === null) setTimeout(watch, 5);
  }

  function serializeAll() {
    var s = store();
    if (!s) return null;
    var one = function (a) { return { id: a.pk || a.id, result: a.serializeAnnotation() }; };
    return {
      annotations: Array.prototype.map.call(s.annotations, one),
      predictions: Array.prototype.map.call(s.predictions, one),
      selected: s.selected ? { id: s.selected.pk || s.selected.id, type: s.selected.type, result: s.selected.serializeAnnotation() } : null,
    };
  }
  h.serialize = serializeAll;

  async function fetchJson(url) {
    var r = await fetch(url, { headers: { Accept: 'application/json' } });
    if (!r.ok) throw new Error('GET ' + url + ': ' + r.status + ' ' + (await r.text()).slice(0, 300));
    return r.json();
  }

  async function onSubmit(kind, annotation) {
    var result = annotation.serializeAnnotation();
    var entry = { kind: kind, result: result, status: null, response: null, done: false };
    h.submissions.push(entry);
    try {
      if (h.task && h.task.upstream) {
        // What Label Studio's app sends on Submit: POST /api/tasks/{id}/annotations/?project={project}.
        var r = await fetch('/api/tasks/' + h.task.id + '/annotations/?project=' + h.task.project, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
          body: JSON.stringify({
            result: result,
            was_cancelled: false,
            ground_truth: false,
            lead_time: Math.round((performance.now() - h.startedAt)) / 1000,
          }),
        });
        entry.status = r.status;
        var text = await r.text();
        try { entry.response = JSON.parse(text); } catch (e) { entry.response = text; }
        if (r.ok && entry.response && entry.response.id) annotation.updatePersonalKey && annotation.updatePersonalKey(String(entry.response.id));
      }
    } catch (e) {
      entry.error = String(e && e.stack ? e.stack : e);
    }
    entry.done = true;
  }

  /**
   * spec: { config, task: {id, data, annotations, predictions}, expectChannels, interfaces }
   *    or { upstream: {project, task}, expectChannels? } to load both from /api (serve.js --upstream).
   */
  window.__start = async function (spec) {
    var config = spec.config;
    var task = spec.task;
    if (spec.upstream) {
      var project = await fetchJson('/api/projects/' + spec.upstream.project + '/');
      var remote = await fetchJson('/api/tasks/' + spec.upstream.task + '/');
      config = project.label_config;
      // Label Studio's app shows a task's predictions when the project says so: show_collab_predictions on, and only
      // those of the project's model_version (when it names one).
      var shown = project.show_collab_predictions
        ? (remote.predictions || []).filter(function (p) { return !project.model_version || p.model_version === project.model_version; })
        : [];
      task = {
        id: remote.id, data: remote.data, annotations: [],
        predictions: shown.map(function (p) { return { id: p.id, result: p.result, score: p.score, model_version: p.model_version }; }),
      };
      h.task = { id: remote.id, project: project.id, upstream: true, data: remote.data };
    } else {
      h.task = { id: task.id, upstream: false, data: task.data };
    }

    h.config = config;
    h.expectChannels = typeof spec.expectChannels === 'number'
      ? spec.expectChannels
      : (config.match(/<Channel[\s/>]/g) || []).length;
    h.phase = 'started';
    h.startedAt = performance.now();
    // eslint-disable-next-line no-new
    new window.LabelStudio('label-studio', {
      config: config,
      task: task,
      interfaces: spec.interfaces || DEFAULT_INTERFACES,
      user: { pk: 1, firstName: 'Test', lastName: 'Annotator' },
      onLabelStudioLoad: function (LS) {
        h.loadedAt = performance.now();
        // A task without results gets a fresh annotation to draw on, as Label Studio's app does; a task with
        // annotations keeps its first one selected, one with only predictions its first prediction.
        var s = LS.annotationStore;
        var given = (task.annotations || []).length + (task.predictions || []).length;
        if (!given) {
          var created = s.addAnnotation({ userGenerate: true });
          s.selectAnnotation(created.id);
        } else if (!s.selected && s.annotations.length) {
          s.selectAnnotation(s.annotations[0].id);
        } else if (h.task.upstream && !(task.annotations || []).length) {
          // As Label Studio's app does for a task with predictions only: the annotator starts from a copy of the first.
          // The store takes the task's predictions in after this callback, so the copy waits for them (bounded).
          var tries = 0;
          (function copyFirstPrediction() {
            if (s.predictions.length) {
              var copy = s.addAnnotationFromPrediction(s.predictions[0]);
              s.selectAnnotation(copy.id);
              h.copiedPrediction = s.predictions[0].pk || s.predictions[0].id;
            } else if (++tries < 200) {
              setTimeout(copyFirstPrediction, 10);
            } else {
              h.errors.push('the task has predictions, but the editor never loaded them');
            }
          })();
        }
      },
      onSubmitAnnotation: function (LS, annotation) { return onSubmit('submit', annotation); },
      onUpdateAnnotation: function (LS, annotation) { return onSubmit('update', annotation); },
    });
    watch();
  };

  var query = new URLSearchParams(location.search);
  if (query.get('project') && query.get('task')) {
    window.addEventListener('load', function () {
      window.__start({ upstream: { project: query.get('project'), task: query.get('task') } });
    });
  }
})();
