// icloud-fix's flow as a page: asks what the terminal asks, and writes the same
// Markdown and JSON reports as `icloud-fix --non-interactive --answers FILE`.
//
// The walk below is the engine's (src/icloud_fix/engine.py), the report is the report
// model's (report/model.py, report/wording.py), and the two reports are
// report/markdown.py's and report/json.py's: each part says which Python it follows,
// and tests/test_page_conformance.py runs both on the same answers. Every flow text
// arrives in the data block ready for where it goes (page/data.py); it is only ever
// put on the screen as text (textContent), never as HTML.
"use strict";
(function () {
  const DATA = JSON.parse(document.getElementById("flow-data").textContent);
  const WORDS = DATA.words;
  const SKIP = "skip";
  const SKIP_LABEL = "Not sure / skip";

  // -- text, as Python has it ----------------------------------------------------------
  // The characters Python's str.split() splits on (JavaScript's \s is another set).
  const SPACE = "[\\t\\n\\x0b\\x0c\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a" +
    "\\u2028\\u2029\\u202f\\u205f\\u3000]";
  const SPACES = new RegExp(SPACE + "+", "gu");
  const TRAILING = new RegExp(SPACE + "+$", "u");
  const EDGES = new RegExp("^" + SPACE + "+|" + SPACE + "+$", "gu");
  const words = (text) => text.split(SPACES).filter(Boolean).join(" ");

  // report/markdown.py's inline(): one-line text as Markdown that shows exactly it.
  // Its words and numbers are ASCII there as here, so no table of Unicode letters
  // (the browser's, or a Python's) decides anything. Written without lookbehind,
  // which Safari has only since iOS 16.4: the page runs on older iPhones too.
  const INLINE_SPECIAL = /[\\`[<|~]|&(?=#?[0-9A-Za-z]+;)|\*|_/g;
  const WORD = /[0-9A-Za-z]/;
  const START = /^(?:#{1,6}(?= |$)|>|[-+](?= |$)|-(?=(?: ?-){2,} ?$))/;
  const START_NUMBER = /^([0-9]{1,9})([.)])(?= |$)/;
  function mdInline(text) {
    const joined = words(text);
    // An underscore inside a word (an ASCII letter or digit on both sides) starts no
    // emphasis, and is left alone; any other is escaped.
    let md = joined.replace(INLINE_SPECIAL, (found, at) => (found === "_" &&
      WORD.test(joined.charAt(at - 1)) && WORD.test(joined.charAt(at + 1))
      ? found : "\\" + found));
    md = md.replace(START, "\\$&").replace(START_NUMBER, "$1\\$2");
    // A "#" after a space, with only more of them to the end, would close a heading.
    return md.replace(/ #(?=#*$)/, " \\#");
  }

  // -- answers typed rather than picked: one entry per kind of typed answer -------------
  // (QuestionKind.page_typed in Python names the entry and gives its settings.)
  const TYPED = {
    // kinds/number.py: plain decimals, spelled one way ("02.50" is "2.5").
    decimal: {
      parse(spec, word) {
        // A phone set to a language that writes 2,5 offers only a comma on its number
        // keypad: one comma, and no point, is the decimal mark ("2,5" is 2.5).
        let typed = word.replace(EDGES, "");
        if (/^[0-9]+,[0-9]+$/.test(typed)) typed = typed.replace(",", ".");
        const match = /^([0-9]{1,9})(?:\.([0-9]{1,6}))?$/.exec(typed);
        if (!match) return null;
        const whole = match[1].replace(/^0+(?=[0-9])/, "");
        const part = (match[2] || "").replace(/0+$/, "");
        return part ? whole + "." + part : whole;
      },
      judge(spec, answer) {
        const value = parseFloat(answer);
        return (spec.at_least === null || value >= spec.at_least) &&
          (spec.at_most === null || value <= spec.at_most);
      },
      label(spec, answer) {
        return spec.unit ? answer + " " + spec.unit : answer;
      },
      problem(spec) {
        return "Type a number such as 12 or 0.5 (digits, and one point or comma), or " +
          "choose \u201cNot sure\u201d.";
      },
    },
  };

  // -- the flow --------------------------------------------------------------------------
  const CHECKS = new Map(DATA.checks.map((c) => [c.id, c]));
  const option = (q, answer) => q.options.find((o) => o.v === answer);

  function judge(q, answer) {
    if (answer === null || answer === SKIP || q.info) return null;
    if (q.typed) return TYPED[q.typed.parse].judge(q.typed, answer);
    const o = option(q, answer);
    return o ? o.passed : null;
  }
  // An answer in words: for the screen and the JSON-free parts of a report.
  function label(q, answer) {
    if (answer === SKIP) return "not sure";
    if (q.typed) return TYPED[q.typed.parse].label(q.typed, answer);
    const o = option(q, answer);
    return o ? o.label : answer;
  }
  function labelMd(q, answer) {
    if (answer === SKIP || q.typed) return mdInline(label(q, answer));
    const o = option(q, answer);
    return o ? (o.md ?? o.label) : mdInline(answer);
  }
  function labelShown(q, answer) {
    const o = answer === SKIP || q.typed ? null : option(q, answer);
    return o ? (o.show ?? o.label) : label(q, answer);
  }

  // -- the walk: engine.py's _Walk and _run --------------------------------------------
  const S = {
    PASSED: "passed", FAILED: "failed", FIXED: "fixed", WAITING: "waiting",
    SKIPPED: "skipped", NOT_REACHED: "not_reached", NOT_RUN: "not_run",
  };

  // Thrown when the walk reaches a question (or a fix) nobody answered yet: the page
  // asks it.
  class Need {
    constructor(kind, subject, position, result) {
      this.kind = kind; // "question" or "fix"
      this.subject = subject;
      this.position = position;
      this.result = result;
    }
  }

  // The answers a question takes, as a kept session may hold them.
  function accepts(q, answer) {
    if (typeof answer !== "string") return false;
    if (answer === SKIP) return true;
    if (q.typed) return TYPED[q.typed.parse].parse(q.typed, answer) === answer;
    return option(q, answer) !== undefined;
  }
  const FIXES = ["worked", "did_not_work", "not_yet"];

  // The walk takes what was said (a log, in the order given) in the order it asks: an
  // entry that is not the answer to what it asks next (a log kept by another version
  // of the page, or changed by hand) ends what it takes; said.next is how far it got.
  function walk(said) {
    const answers = new Map(); // for the conditions of later questions
    const settled = new Map(); // questions an earlier choice answered
    const undecided = new Set(); // not asked only because of a "not sure"
    const asked = new Set();
    const routed = [];
    const done = [];
    const tried = [];
    const total = DATA.checks.length;
    let next = 0;

    function applies(q) {
      return q.when.every(([qid, wanted]) => wanted.includes(answers.get(qid)));
    }
    function record(q, reply) {
      answers.set(q.id, reply.answer);
      const o = reply.answer === SKIP ? null : option(q, reply.answer);
      if (o && o.settles) {
        for (const [qid, answer] of o.settles) {
          settled.set(qid, { answer, source: "choice",
            evidence: "answered by " + q.id + "=" + reply.answer,
            lead: o.lead, leadMd: o.lead_md });
        }
      }
      const target = o && o.to ? CHECKS.get(o.to) : null;
      if (target && !asked.has(target.id) && !routed.includes(target)) routed.push(target);
    }
    function ask(q, position) {
      if (!applies(q)) {
        if (q.when.some(([qid]) => answers.get(qid) === SKIP || undecided.has(qid))) {
          undecided.add(q.id);
        }
        return { q, answer: null, passed: null, source: null };
      }
      let reply = settled.get(q.id);
      if (!reply) {
        const entry = said.log[said.next];
        if (!entry || entry.q !== q.id || !accepts(q, entry.a)) {
          throw new Need("question", q, position);
        }
        said.next += 1;
        reply = { answer: entry.a, source: "prompt" };
      }
      record(q, reply);
      return { q, answer: reply.answer, passed: judge(q, reply.answer),
        source: reply.source, evidence: reply.evidence, lead: reply.lead,
        leadMd: reply.leadMd };
    }
    function nextCheck() {
      while (routed.length) {
        const check = routed.shift();
        if (!asked.has(check.id)) { asked.add(check.id); return check; }
      }
      while (next < DATA.checks.length) {
        const check = DATA.checks[next++];
        if (!asked.has(check.id)) { asked.add(check.id); return check; }
      }
      return null;
    }
    function finish(resolvedBy) {
      const ran = new Set(done.map((c) => c.check.id));
      const rest = DATA.checks.filter((c) => !ran.has(c.id)).map((check) => ({
        check, status: S.NOT_REACHED, ruledOut: false,
        questions: check.questions.map((q) => ({ q, answer: null, passed: null,
          source: null })) }));
      const checks = done.map((c) => c.check.id === resolvedBy
        ? Object.assign({}, c, { status: S.FIXED }) : c);
      return new Result(checks.concat(rest), triage, resolvedBy, tried);
    }

    const triage = DATA.triage.map((q) => ask(q, { number: 0, total, check: null }));
    let check;
    while ((check = nextCheck()) !== null) {
      const position = { number: done.length + 1, total, check };
      const questions = check.questions.map((q) => ask(q, position));
      const unknown = check.questions.some((q) => undecided.has(q.id));
      if (!unknown && questions.every((r) => r.answer === null)) {
        done.push({ check, status: S.NOT_RUN, questions, ruledOut: true });
        continue;
      }
      let status = S.PASSED;
      if (questions.some((r) => r.passed === false)) status = S.FAILED;
      else if (unknown || questions.some((r) => r.answer === SKIP)) status = S.SKIPPED;
      const result = { check, status, questions, ruledOut: false };
      done.push(result);
      if (status !== S.FAILED) continue;
      const entry = said.log[said.next];
      if (!entry || entry.fix !== check.id || !FIXES.includes(entry.a)) {
        throw new Need("fix", check, position, result);
      }
      said.next += 1;
      const fix = entry.a;
      if (fix === "worked") return finish(check.id);
      tried.push(check.id);
      if (fix === "not_yet") result.status = S.WAITING;
    }
    return finish(null);
  }

  // engine.py's SessionResult.
  class Result {
    constructor(checks, triage, resolvedBy, tried) {
      this.checks = checks;
      this.triage = triage;
      this.resolvedBy = resolvedBy;
      this.tried = tried;
    }
    get failed() {
      return this.checks.filter((c) => c.status === S.FAILED || c.status === S.WAITING);
    }
    get waiting() { return this.checks.filter((c) => c.status === S.WAITING); }
    get selected() { return this.checks.filter((c) => c.status !== S.NOT_RUN); }
    get notRun() { return this.checks.filter((c) => c.status === S.NOT_RUN); }
    get leftOut() { return this.notRun.filter((c) => !c.ruledOut); }
    get ruledOut() { return this.notRun.filter((c) => c.ruledOut); }
    get triedInVain() {
      return this.checks.filter((c) => c.status === S.FAILED &&
        this.tried.includes(c.check.id));
    }
    get outcome() {
      if (this.resolvedBy !== null) return "resolved";
      if (this.failed.length) return "problems_found";
      const selected = this.selected;
      if (!selected.length || selected.some((c) => c.status !== S.PASSED)) {
        return "inconclusive";
      }
      return "no_problem_found";
    }
    fixTried(checkId) {
      if (checkId === this.resolvedBy) return "yes";
      if (!this.tried.includes(checkId)) return null;
      const waiting = this.checks.some((c) => c.check.id === checkId &&
        c.status === S.WAITING);
      return waiting ? "not_yet" : "no";
    }
    get fixesTried() {
      return this.checks.map((c) => [c, this.fixTried(c.check.id)])
        .filter(([, helped]) => helped !== null);
    }
    get asked() {
      return this.triage.concat(...this.checks.map((c) => c.questions));
    }
    get notSure() { return this.asked.filter((r) => r.answer === SKIP); }
  }

  // -- what a report says: report/wording.py ----------------------------------------------
  const count = (n, noun) => n + " " + (n === 1 ? noun : noun + "s");
  const were = (n) => (n === 1 ? "was" : "were");
  function titles(checks) {
    const named = checks.slice(0, 5).map((c) => "'" + c.check.title + "'").join(", ");
    const more = checks.length - 5;
    return more > 0 ? named + " and " + more.toLocaleString("en-US") + " more" : named;
  }
  function runNote(result) {
    let note = "";
    const out = result.leftOut;
    const ruled = result.ruledOut;
    if (out.length) note += "; " + count(out.length, "check") + " " + were(out.length) +
      " not run";
    if (ruled.length) note += "; " + count(ruled.length, "check") + " did not apply (" +
      titles(ruled) + ")";
    return note;
  }
  function headline(result) {
    const outcome = result.outcome;
    const selected = result.selected;
    if (outcome === "resolved") {
      return "Resolved: the fix for '" + CHECKS.get(result.resolvedBy).title +
        "' solved the problem.";
    }
    if (outcome === "problems_found") {
      let text = "Problems found: " + count(result.failed.length, "check") + " failed (" +
        titles(result.failed) + ")";
      if (result.waiting.length) text += "; the fix for " + titles(result.waiting) +
        " takes time to show";
      return text + runNote(result) + ".";
    }
    if (outcome === "inconclusive") {
      if (!selected.length) {
        const out = result.leftOut;
        const note = out.length ? "; " + count(out.length, "check") + " " +
          were(out.length) + " not run" : "";
        return "Inconclusive: no question of the checks run applied, so nothing was " +
          "checked" + note + ".";
      }
      const open = selected.filter((c) => c.status !== S.PASSED);
      return "Inconclusive: no check failed, but " + count(open.length, "check") +
        " of the " + selected.length + " run did not finish (" + titles(open) +
        ": not sure or not reached)" + runNote(result) + ".";
    }
    if (result.notRun.length) {
      const checks = selected.length === 1 ? "one check" : selected.length + " checks";
      return "The " + checks + " run passed" + runNote(result) + ".";
    }
    return "Every check passed.";
  }

  const HELP = WORDS.sections.WHERE_TO_GET_HELP;
  const LOOK_UP = WORDS.sections.TO_LOOK_UP;
  function command(...args) { return [DATA.command].concat(args).join(" "); }
  function nextStep(result) {
    const outcome = result.outcome;
    const out = result.leftOut;
    const others = out.length ? out.map((c) => c.check.id).join(",") : null;
    if (outcome === "resolved") return null;
    if (outcome === "problems_found") {
      const untried = result.failed.filter((c) => !result.tried.includes(c.check.id));
      if (result.waiting.length) {
        return { sentence: "Give the fixes that take time what they need (each says how " +
          "long), then run icloud-fix again: it starts by asking whether they worked." +
          (untried.length ? " Meanwhile, try the other fixes in order." : "") };
      }
      if (untried.length) {
        return { sentence: "Try the fixes in order; after each one, check whether the " +
          "problem is gone." };
      }
      if (others) {
        return { sentence: "The fixes you tried did not help. Run the other checks too:",
          command: command("--only", others) };
      }
      return { sentence: "The fixes you tried did not help: ask for help (see '" + HELP +
        "') and hand over this report." };
    }
    if (outcome === "inconclusive") {
      if (!result.selected.length) {
        if (others) {
          return { sentence: "Nothing was checked: no question applied to the answers " +
            "given. Run the other checks:", command: command("--only", others) };
        }
        return { sentence: "Nothing was checked: no question applied to the answers " +
          "given. Ask for help (see '" + HELP + "') and hand over this report." };
      }
      const findOut = result.notSure.length
        ? "Find out what you were not sure about (see '" + LOOK_UP +
          "': each says where to look)"
        : "Find out what was not decided";
      const open = result.selected.filter((c) => c.status !== S.PASSED);
      if (open.length < result.selected.length) {
        return { sentence: findOut + ", then run those checks again:",
          command: command("--only", open.map((c) => c.check.id).join(",")) };
      }
      return { sentence: findOut + ". If you cannot find out, ask for help (see '" + HELP +
        "') and hand over this report: it lists what is still open." };
    }
    if (others) {
      return { sentence: "Run the other checks too:", command: command("--only", others) };
    }
    const passed = result.notRun.length ? "Every check that applied passed"
      : "Every check passed";
    return { sentence: passed + ": see '" + HELP + "' if the problem goes on." };
  }
  const stepText = (step) => (step.command ? step.sentence + " " + step.command
    : step.sentence);

  function reasons(row) {
    return row.questions.filter((r) => r.passed === false).map((r) => {
      const q = r.q;
      if (r.source === "choice" && r.lead) {
        return { lead: r.lead, leadMd: r.leadMd, q, answer: r.answer };
      }
      return { lead: "You answered:", leadMd: mdInline("You answered: "), q,
        answer: r.answer };
    });
  }
  const fixes = (row) => row.questions.filter((r) => r.passed === false && r.q.fix_raw)
    .map((r) => r.q);
  const whereToLook = (q) => (q.where === undefined ? null : q.where);

  // -- the report: report/model.py's build() -------------------------------------------
  function build(result, started) {
    const outcome = result.outcome;
    const rows = result.checks.map((c, i) => ({
      number: i + 1, c, check: c.check, helped: result.fixTried(c.check.id),
      words: c.ruledOut ? WORDS.ruled_out : WORDS.status[c.status],
      answers: c.questions.filter((r) => r.answer !== null),
    }));
    const byId = new Map(rows.map((row) => [row.check.id, row]));
    const tried = result.fixesTried.map(([c, helped]) => ({ row: byId.get(c.check.id),
      helped }));
    const toTry = outcome === "resolved" ? [] : result.failed
      .filter((c) => result.fixTried(c.check.id) === null).map((c) => byId.get(c.check.id));
    const notSure = result.notSure;
    const escalation = outcome === "problems_found" || outcome === "inconclusive" ||
      (outcome === "no_problem_found" && !result.leftOut.length) ? DATA.escalation : null;
    const step = nextStep(result);
    const triage = result.triage.filter((r) => r.answer !== null);
    const helpFirst = escalation !== null && result.triedInVain.length > 0;
    const present = {
      OUTCOME: true, CHECKS: true,
      ANSWERS: triage.length > 0 || rows.some((row) => row.answers.length),
      FIXES_TRIED: tried.length > 0, FIXES_TO_TRY: toTry.length > 0,
      TO_LOOK_UP: notSure.length > 0 && outcome === "inconclusive",
      NEXT_STEP: step !== null, WHERE_TO_GET_HELP: true,
    };
    const order = ["OUTCOME"].concat(helpFirst ? ["WHERE_TO_GET_HELP"] : [],
      ["CHECKS", "ANSWERS", "FIXES_TRIED", "FIXES_TO_TRY", "TO_LOOK_UP", "NEXT_STEP"],
      escalation && !helpFirst ? ["WHERE_TO_GET_HELP"] : []);
    return {
      result, outcome, headline: headline(result), started,
      tone: { resolved: "good", no_problem_found: "good", problems_found: "bad" }[outcome] ||
        "open",
      rows, tried, toTry, notSure, escalation, step, triage,
      sections: order.filter((s) => present[s]),
      resolvedRow: result.resolvedBy === null ? null : byId.get(result.resolvedBy),
    };
  }

  // -- the Markdown report: report/markdown.py ----------------------------------------------
  const pad = (n) => String(n).padStart(2, "0");
  function utcMinute(date) {
    return date.getUTCFullYear() + "-" + pad(date.getUTCMonth() + 1) + "-" +
      pad(date.getUTCDate()) + " " + pad(date.getUTCHours()) + ":" +
      pad(date.getUTCMinutes()) + " UTC";
  }
  const titleMd = (check) => check.md ?? check.title;
  const promptMd = (q) => q.md ?? q.text;
  const answerMd = (r) => promptMd(r.q) + " **" + labelMd(r.q, r.answer) + "**";
  function reasonsMd(row) {
    const lines = [];
    for (const reason of reasons(row.c)) {
      lines.push(reason.leadMd + " " + promptMd(reason.q) + " **" +
        labelMd(reason.q, reason.answer) + "**", "");
    }
    return lines;
  }
  function fixesMd(row) {
    const lines = [];
    for (const q of fixes(row.c)) {
      lines.push(q.fix_md, "");
      if (q.verify_md !== undefined) lines.push("How to tell it worked: " + q.verify_md, "");
    }
    return lines;
  }
  function outcomeMd(report) {
    const lines = ["**" + mdInline(report.headline) + "**", "",
      "- Date: " + utcMinute(report.started), DATA.md.flow];
    if (DATA.md.checked !== null) lines.push(DATA.md.checked);
    lines.push("- Tool: icloud-fix " + DATA.tool.version, "- Outcome: " + report.outcome);
    if (report.resolvedRow) {
      lines.push("- Resolved: yes, by the fix for " + titleMd(report.resolvedRow.check) +
        " (" + report.resolvedRow.check.id + ")");
    } else {
      lines.push("- Resolved: no");
    }
    const tried = report.result.fixesTried;
    if (tried.length) {
      lines.push("- Fixes tried: " + tried.map(([c, helped]) => titleMd(c.check) + " (" +
        WORDS.helped[helped] + ")").join(", "));
    }
    return lines;
  }
  function sectionMd(report, section) {
    if (section === "OUTCOME") return outcomeMd(report);
    const lines = ["## " + WORDS.sections[section], ""];
    if (section === "CHECKS") {
      lines.push("| # | Check | Status |", "|---|---|---|");
      for (const row of report.rows) {
        lines.push("| " + row.number + " | " + titleMd(row.check) + " | " + row.words + " |");
      }
    } else if (section === "ANSWERS") {
      if (report.triage.length) {
        lines.push("### Before the checks", "");
        for (const r of report.triage) lines.push("- " + answerMd(r));
        lines.push("");
      }
      for (const row of report.rows) {
        if (!row.answers.length) continue;
        lines.push("### " + titleMd(row.check), "");
        for (const r of row.answers) lines.push("- " + answerMd(r));
        lines.push("");
      }
    } else if (section === "FIXES_TRIED") {
      for (const t of report.tried) {
        lines.push("### " + titleMd(t.row.check), "", "Result: " + WORDS.helped[t.helped] +
          ".", "", ...reasonsMd(t.row), ...fixesMd(t.row));
      }
    } else if (section === "FIXES_TO_TRY") {
      for (const row of report.toTry) {
        lines.push("### " + titleMd(row.check), "", ...reasonsMd(row), ...fixesMd(row));
      }
    } else if (section === "TO_LOOK_UP") {
      for (const r of report.notSure) {
        lines.push("### " + promptMd(r.q), "");
        if (r.q.where_md !== undefined) lines.push(r.q.where_md, "");
      }
    } else if (section === "NEXT_STEP") {
      lines.push(mdInline(report.step.sentence), "");
      if (report.step.command) lines.push("    " + report.step.command, "");
    } else if (section === "WHERE_TO_GET_HELP") {
      lines.push(report.escalation.md, "");
    }
    return lines;
  }
  function markdown(report) {
    let lines = [DATA.md.title, ""];
    for (const section of report.sections) {
      const part = sectionMd(report, section);
      while (part.length && part[part.length - 1] === "") part.pop();
      if (part.length) lines = lines.concat(part, [""]);
    }
    return lines.join("\n").replace(TRAILING, "") + "\n";
  }

  // -- the JSON report: report/json.py's session_document() ------------------------------
  function answeredJson(r) {
    const out = { id: r.q.id, text: r.q.text, answer: r.answer, passed: r.passed,
      source: r.source };
    if (r.evidence) out.evidence = r.evidence;
    return out;
  }
  function json(report) {
    const result = report.result;
    const started = report.started.toISOString().replace(/\.\d+Z$/, "Z");
    return {
      schema_version: DATA.schema_version, tool: DATA.tool, flow: DATA.flow,
      started, device: null, service_status: null,
      outcome: report.outcome, headline: report.headline, resolved_by: result.resolvedBy,
      waiting: result.waiting.map((c) => c.check.id),
      triage: result.triage.map(answeredJson),
      checks: report.rows.map((row) => ({
        id: row.check.id, title: row.check.title, status: row.c.status,
        ruled_out: row.c.ruledOut, questions: row.c.questions.map(answeredJson),
        remediation: fixes(row.c).map((q) => q.fix_raw),
        fix_tried: row.helped === null ? null : { helped: row.helped },
      })),
      to_look_up: result.notSure.map((r) => ({ id: r.q.id, text: r.q.text,
        help: whereToLook(r.q) })),
      next_step: report.step === null ? null : stepText(report.step),
      escalation: report.escalation === null ? null : report.escalation.raw,
    };
  }

  // The answers file: answers.py's load_file() reads it back (question ids, then the
  // fixes tried), so a help desk can replay this very session.
  function answersFile(result) {
    const lines = ["# icloud-fix answers, from the page. Replay them with:",
      "#   " + command("--non-interactive", "--answers", "answers.yaml")];
    for (const r of result.asked) {
      if (r.answer !== null && r.source === "prompt") lines.push(r.q.id + ": " + r.answer);
    }
    const tried = result.fixesTried.filter(([, helped]) => helped !== "yes");
    if (tried.length) {
      lines.push("fixes_tried:");
      for (const [c, helped] of tried) lines.push("  " + c.check.id + ": " + helped);
    }
    if (result.resolvedBy !== null) lines.push("resolved_by: " + result.resolvedBy);
    return lines.join("\n") + "\n";
  }

  // -- what the person said, kept in the browser -----------------------------------------
  // A log of answers and fixes in the order given: going back drops the last one.
  let state = load();
  function fresh() { return { log: [], started: null }; }
  function load() {
    try {
      const kept = JSON.parse(window.localStorage.getItem(DATA.storage_key) || "null");
      if (kept && Array.isArray(kept.log) && typeof kept.started === "string" &&
          !Number.isNaN(Date.parse(kept.started))) {
        return { log: kept.log.filter((entry) => entry && typeof entry === "object"),
          started: kept.started };
      }
    } catch (e) { /* no storage (a private window), or not ours: start afresh */ }
    return fresh();
  }
  function save() {
    try {
      state.saved = new Date().toISOString();
      window.localStorage.setItem(DATA.storage_key, JSON.stringify(state));
      // Progress kept by another version of this flow's page is of no use to this one:
      // forgotten once nobody has touched it for 30 days (it may be open in another tab).
      const prefix = DATA.storage_key.slice(0, DATA.storage_key.lastIndexOf(":") + 1);
      for (let i = window.localStorage.length - 1; i >= 0; i--) {
        const key = window.localStorage.key(i);
        if (!key || !key.startsWith(prefix) || key === DATA.storage_key) continue;
        let touched = NaN;
        try { touched = Date.parse(JSON.parse(window.localStorage.getItem(key)).saved); } catch (e) {
          /* not a session: forgotten */
        }
        if (!(Date.now() - touched < 30 * 24 * 3600 * 1000)) window.localStorage.removeItem(key);
      }
    } catch (e) { /* the session goes on; only closing the page would lose it */ }
  }
  // What the walk is given: the log, with the answer to "did the fixes that take time
  // work?" (a last entry of its own, so that Back takes it back) put into the fixes it
  // is about, as the terminal does in its next session (resume.after_fix): worked,
  // the first of them in the order asked; did not work, all of them.
  function said() {
    const last = state.log[state.log.length - 1];
    if (!last || last.waited === undefined) return { log: state.log, next: 0, verdict: 0 };
    let first = true;
    const log = state.log.slice(0, -1).map((entry) => {
      if (entry.fix === undefined || entry.a !== "not_yet") return entry;
      const a = last.waited === "worked" && !first ? "not_yet" : last.waited;
      first = false;
      return { fix: entry.fix, a };
    });
    return { log, next: 0, verdict: 1 };
  }
  function give(entry) {
    state.log.push(entry);
    save();
    show();
  }
  function back() {
    if (!state.log.length) return;
    state.log.pop();
    save();
    show();
  }
  // Start over forgets every answer: the first press only asks for a second. (Asked on
  // the page itself: an app that shows web pages inside it may refuse window.confirm.)
  const startOverButton = document.getElementById("start-over");
  let armed = false;
  function disarm() {
    armed = false;
    startOverButton.textContent = "Start over";
  }
  function startOver(event) {
    if (event && event.detail > 1) return; // the second click of a double click
    if (state.log.length && !armed) {
      armed = true;
      startOverButton.textContent = "Press again to forget every answer";
      status.textContent = "Press \u201cStart over\u201d again to forget every answer " +
        "and start again.";
      return;
    }
    disarm();
    state = fresh();
    try { window.localStorage.removeItem(DATA.storage_key); } catch (e) { /* none kept */ }
    show(true);
  }
  // The same page open in another tab or window: what is said there shows here too.
  window.addEventListener("storage", (event) => {
    if (event.key === DATA.storage_key || event.key === null) {
      state = load();
      show(false);
    }
  });

  // -- the screen --------------------------------------------------------------------------
  const screen = document.getElementById("screen");
  const status = document.getElementById("status");
  let keys = {}; // this screen's keyboard shortcuts: key -> action

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "onclick") node.addEventListener("click", value);
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return node;
  }
  // Flow Markdown, as page/markup.py gave it: built from text nodes only.
  function spans(list) {
    return list.map((span) => (typeof span === "string" ? span
      : el(span[0], null, span[1])));
  }
  function blocks(list) {
    return list.map((block) => {
      if (block.p) return el("p", null, spans(block.p));
      if (block.pre !== undefined) return el("pre", null, block.pre);
      const items = (block.ol || block.ul).map((item) =>
        el("li", null, spans(item.s), blocks(item.b)));
      return block.ol ? el("ol", { start: block.start !== 1 ? block.start : null }, items)
        : el("ul", null, items);
    });
  }
  const shown = (thing, key) => thing.show ?? thing[key];

  function position(where) {
    if (where.check === null) return "Before the checks";
    return "Check " + where.number + " of " + where.total + ": " + shown(where.check, "title");
  }
  function backButton() {
    return el("button", { type: "button", class: "quiet", "aria-keyshortcuts": "b",
      disabled: state.log.length === 0, onclick: back }, "Back one question");
  }
  function answerButton(text, key, action, value) {
    if (key) keys[key] = action;
    // The second click of a double click lands on the next question's button: it
    // answers nothing (a click from the keyboard has no count, a mouse's first is 1).
    const once = (event) => { if (event.detail <= 1) action(); };
    return el("button", { type: "button", class: value === SKIP ? "answer other" : "answer",
      "aria-keyshortcuts": key || null,
      "data-answer": value, onclick: once },
    key ? el("kbd", { "aria-hidden": "true" }, key) : null, el("span", null, text));
  }

  function askQuestion(need) {
    const q = need.subject;
    const heading = el("h1", { id: "question", tabindex: "-1" }, shown(q, "text"));
    const parts = [el("p", { class: "position" }, position(need.position)), heading];
    const helps = (q.help || []).length || q.options.some((o) => o.help);
    if (helps) {
      const details = el("details", null, el("summary", { "aria-keyshortcuts": "h" },
        "Explain this question"), blocks(q.help || []),
      q.options.filter((o) => o.help).map((o) => el("div", { class: "option-help" },
        el("p", null, el("strong", null, shown(o, "label") + ":")), blocks(o.help))));
      keys.h = () => { details.open = !details.open; };
      parts.push(details);
    }
    const answer = (value) => () => give({ q: q.id, a: value });
    if (q.typed) {
      const typed = TYPED[q.typed.parse];
      const input = el("input", { id: "typed", type: "text", inputmode: "decimal",
        autocomplete: "off", "aria-describedby": "typed-problem" });
      const problem = el("p", { id: "typed-problem", class: "problem", role: "alert" });
      const submit = (event) => {
        event.preventDefault();
        const value = typed.parse(q.typed, input.value);
        if (value === null) {
          problem.textContent = typed.problem(q.typed);
          input.setAttribute("aria-invalid", "true");
          input.focus();
          return;
        }
        give({ q: q.id, a: value });
      };
      parts.push(el("form", { class: "typed", novalidate: true },
        el("label", { for: "typed" }, "Your answer" + (q.hint ? " (" + q.hint + ")" : "")),
        el("div", { class: "row" }, input, el("button", { type: "submit" }, "Next")),
        problem));
      parts[parts.length - 1].addEventListener("submit", submit);
      parts.push(el("div", { class: "answers" }, answerButton(SKIP_LABEL, "s",
        answer(SKIP), SKIP)));
    } else {
      parts.push(el("div", { class: "answers", role: "group", "aria-labelledby": "question" },
        q.options.map((o) => answerButton(o.button ?? shown(o, "label"), o.key, answer(o.v),
          o.v)),
        answerButton(SKIP_LABEL, "s", answer(SKIP), SKIP)));
    }
    keys.b = back;
    parts.push(el("nav", { class: "steps", "aria-label": "Session" }, backButton()));
    return { parts, focus: q.typed ? "#typed" : "#question", asking: q.id };
  }

  function reasonNodes(row) {
    return reasons(row).map((reason) => el("p", { class: "reason" }, reason.lead + " ",
      shown(reason.q, "text") + " ", el("strong", null, labelShown(reason.q, reason.answer))));
  }
  function fixNodes(row, level) {
    const out = [];
    for (const q of fixes(row)) {
      out.push(el("div", { class: "fix" }, blocks(q.fix)));
      if (q.verify) {
        out.push(el("h" + level, null, "How to tell it worked"), blocks(q.verify));
      }
    }
    return out;
  }

  function askFix(need) {
    const check = need.subject;
    const choose = (value) => () => give({ fix: check.id, a: value });
    const question = el("div", { id: "after-fix", class: "after-fix" }, blocks(DATA.after_fix));
    const parts = [
      el("p", { class: "position" }, position(need.position)),
      el("h1", { id: "failed", tabindex: "-1" }, "This check failed: " + shown(check, "title")),
      reasonNodes(need.result),
      el("h2", null, "What to do"),
      fixNodes(need.result, "h3"),
      el("h2", null, "Did it work?"),
      question,
      el("div", { class: "answers", role: "group", "aria-labelledby": "after-fix" },
        answerButton("Yes", "y", choose("worked"), "worked"),
        answerButton("No", "n", choose("did_not_work"), "did_not_work"),
        answerButton("Not yet (this fix takes time: go on, and ask me later)", "w",
          choose("not_yet"), "not_yet")),
    ];
    keys.b = back;
    parts.push(el("nav", { class: "steps", "aria-label": "Session" }, backButton()));
    return { parts, focus: "#failed", asking: "fix:" + check.id };
  }

  // The next step as the page says it: the reports tell a help desk what to run, the
  // person in front of the page is told what to do here.
  function stepOnScreen(step) {
    const sentence = step.sentence.replace("then run icloud-fix again: it starts by asking " +
      "whether they worked.", "then come back to this page and say whether they worked " +
      "(at the top).");
    if (step.command) {
      return [el("p", null, step.sentence.replace(/, then run those checks again:$/,
        ", then go back to those questions (Back takes back one answer at a time) or " +
        "start over.")),
      el("p", null, "In a terminal, a help desk asks only those checks again with:"),
      el("pre", null, el("code", null, step.command))];
    }
    return el("p", null, sentence);
  }

  // Fixes that take time ("not yet"), asked about again as the terminal does in its next
  // session: worked (the first of them, in the order asked, solved it), or did not.
  function waitingPanel(result) {
    const waiting = result.waiting;
    // A resolved session asks nothing more (the terminal keeps nothing of it).
    if (!waiting.length || result.resolvedBy !== null) return null;
    const names = waiting.map((c) => "\u2018" + shown(c.check, "title") + "\u2019")
      .join(" and ");
    const settle = (value) => () => give({ waited: value });
    return el("section", { class: "part part-waiting", "aria-labelledby": "waiting" },
      el("h2", { id: "waiting" }, "Waiting on a fix"),
      el("p", null, (waiting.length === 1 ? "The fix for " + names + " takes"
        : "The fixes for " + names + " take") + " time to show. Once it has had that " +
        "time:"),
      el("div", { id: "waiting-question", class: "after-fix" }, blocks(DATA.after_fix)),
      el("div", { class: "answers", role: "group", "aria-labelledby": "waiting-question" },
        answerButton("Yes", null, settle("worked"), "waited-worked"),
        answerButton("No", null, settle("did_not_work"), "waited-did-not-work")));
  }

  // The file's address is kept until the next download (Safari may still be reading it
  // once the click has returned).
  let downloaded = null;
  function download(name, type, text) {
    if (downloaded !== null) URL.revokeObjectURL(downloaded);
    downloaded = URL.createObjectURL(new Blob([text], { type }));
    const link = el("a", { href: downloaded, download: name });
    document.body.append(link);
    link.click();
    link.remove();
  }
  function copy(text, area) {
    const done = () => { status.textContent = "Copied."; };
    const fallback = () => {
      area.focus();
      area.select();
      try {
        if (document.execCommand("copy")) { done(); return; }
      } catch (e) { /* below */ }
      status.textContent = "Select the text and copy it (Ctrl+C, or Cmd+C on a Mac).";
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  }

  function outcomeScreen(result) {
    const report = build(result, new Date(state.started || Date.now()));
    const md = markdown(report);
    const doc = JSON.stringify(json(report), null, 2) + "\n";
    const answers = answersFile(result);
    const parts = [el("h1", { id: "outcome", tabindex: "-1", class: "headline " + report.tone },
      report.headline), waitingPanel(result)];
    const section = (name, ...body) => el("section", { class: "part part-" +
      name.toLowerCase().replace(/_/g, "-") }, el("h2", null, WORDS.sections[name]), body);
    for (const name of report.sections) {
      if (name === "OUTCOME") continue;
      if (name === "CHECKS") {
        parts.push(section(name, el("table", null,
          el("thead", null, el("tr", null, el("th", { scope: "col" }, "#"),
            el("th", { scope: "col" }, "Check"), el("th", { scope: "col" }, "Status"))),
          el("tbody", null, report.rows.map((row) => el("tr", null,
            el("td", { class: "number" }, String(row.number)),
            el("td", null, shown(row.check, "title")),
            el("td", { class: row.c.ruledOut ? "quiet" : WORDS.tone[row.c.status] },
              (row.c.ruledOut ? "\u00b7" : WORDS.symbol[row.c.status]) + " " + row.words)))))));
      } else if (name === "ANSWERS") {
        const groups = (report.triage.length ? [["Before the checks", report.triage]] : [])
          .concat(report.rows.filter((row) => row.answers.length)
            .map((row) => [shown(row.check, "title"), row.answers]));
        parts.push(section(name, groups.map(([title, list]) => [el("h3", null, title),
          el("ul", null, list.map((r) => el("li", null, shown(r.q, "text") + " ",
            el("strong", null, labelShown(r.q, r.answer)))))])));
      } else if (name === "FIXES_TRIED") {
        parts.push(section(name, report.tried.map((t) => [
          el("h3", null, shown(t.row.check, "title")),
          el("p", null, "Result: ", el("strong", null, WORDS.helped[t.helped]), "."),
          reasonNodes(t.row.c), fixNodes(t.row.c, "h4")])));
      } else if (name === "FIXES_TO_TRY") {
        parts.push(section(name, report.toTry.map((row, i) => [
          el("h3", null, (i + 1) + ". " + shown(row.check, "title")),
          reasonNodes(row.c), fixNodes(row.c, "h4")])));
      } else if (name === "TO_LOOK_UP") {
        parts.push(section(name, report.notSure.map((r) => [el("h3", null, shown(r.q, "text")),
          blocks(r.q.where ? [].concat(r.q.help || [], ...r.q.options.filter((o) => o.help)
            .map((o) => [{ p: [shown(o, "label") + ":"] }].concat(o.help))) : [])])));
      } else if (name === "NEXT_STEP") {
        parts.push(section(name, stepOnScreen(report.step)));
      } else if (name === "WHERE_TO_GET_HELP") {
        parts.push(section(name, blocks(report.escalation.show)));
      }
    }
    const mdArea = el("textarea", { id: "report-markdown", readonly: true, rows: "12",
      "aria-label": "The report, in Markdown", spellcheck: "false" }, md);
    const answersArea = el("textarea", { id: "answers-file", readonly: true, rows: "8",
      "aria-label": "The answers file", spellcheck: "false" }, answers);
    const answersBox = el("details", { id: "answers-details" },
      el("summary", null, "Show the answers file (for a help desk to replay)"),
      el("p", null, "Saved as answers.yaml, it gives the same report from a terminal:"),
      el("pre", null, el("code", null, command("--non-interactive", "--answers",
        "answers.yaml"))),
      answersArea,
      el("div", { class: "answers" },
        el("button", { type: "button", id: "copy-answers",
          onclick: () => copy(answers, answersArea) }, "Copy the answers file"),
        el("button", { type: "button", id: "download-answers",
          onclick: () => download("answers.yaml", "application/yaml", answers) },
        "Download the answers file")));
    parts.push(el("section", { class: "part part-report" }, el("h2", null, "Your report"),
      el("p", null, "Hand it to whoever helps you: it says what was checked, what you " +
        "answered and which fixes you tried."),
      el("div", { class: "answers" },
        el("button", { type: "button", id: "copy-markdown",
          onclick: () => copy(md, mdArea) }, "Copy the report (Markdown)"),
        el("button", { type: "button", id: "download-json",
          onclick: () => download("icloud-fix-report.json", "application/json", doc) },
        "Download the report (JSON)")),
      mdArea,
      // Where a download is not allowed (a page shown inside another app), the JSON
      // report can still be copied from here.
      el("details", { id: "json-details" },
        el("summary", null, "Show the JSON report"),
        el("textarea", { id: "report-json", readonly: true, rows: "12",
          "aria-label": "The report, in JSON", spellcheck: "false" }, doc)),
      answersBox));
    keys.b = back;
    parts.push(el("nav", { class: "steps", "aria-label": "Session" }, backButton()));
    return { parts, focus: "#outcome",
      report: { markdown: md, json: doc, answers, resolved: result.resolvedBy !== null } };
  }

  function startScreen() {
    const begin = () => { state.started = new Date().toISOString(); save(); show(); };
    keys.Enter = begin;
    return {
      parts: [el("h1", { id: "intro", tabindex: "-1" }, DATA.title),
        blocks(DATA.description),
        el("p", null, "Each answer is kept in this browser, so you can close the page and " +
          "continue later. Nothing is sent anywhere."),
        el("div", { class: "answers" }, el("button", { type: "button", id: "start",
          class: "answer", onclick: begin }, "Start"))],
      focus: "#start",
    };
  }

  function show(moveFocus) {
    keys = {};
    status.textContent = "";
    disarm();
    let view;
    if (state.started === null) {
      view = startScreen();
    } else {
      const log = said();
      try {
        view = outcomeScreen(walk(log));
      } catch (need) {
        if (!(need instanceof Need)) throw need;
        view = need.kind === "question" ? askQuestion(need) : askFix(need);
      }
      if (log.next + log.verdict < state.log.length && !(log.verdict && view.report &&
          view.report.resolved)) {
        // Kept entries the walk could not take: what it asks now is asked again.
        state.log = state.log.slice(0, log.next);
        save();
        return show(moveFocus);
      }
    }
    screen.replaceChildren(...view.parts.flat(Infinity).filter(Boolean));
    // Where the session stands, for whoever drives the page (the tests): the screen,
    // the question or fix asked, and how many answers were given.
    document.body.dataset.screen = state.started === null ? "start"
      : view.report ? "outcome" : "asking";
    document.body.dataset.asking = view.asking || "";
    document.body.dataset.given = String(state.log.length);
    window.icloudFixReport = view.report || null; // what the tests read, as shown
    if (moveFocus !== false) {
      const target = screen.querySelector(view.focus);
      if (target) target.focus();
    }
  }

  startOverButton.addEventListener("click", startOver);
  // Anything else done in between, and Start over asks again.
  for (const kind of ["click", "keydown"]) {
    document.addEventListener(kind, (event) => {
      if (armed && event.target !== startOverButton) disarm();
    }, true);
  }
  document.addEventListener("keydown", (event) => {
    // A key held down answers once, not once a repeat (nor presses a focused button
    // again: the first press's screen is gone).
    if (event.repeat) {
      event.preventDefault();
      return;
    }
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA")) return;
    const action = keys[event.key.length === 1 ? event.key.toLowerCase() : event.key];
    if (!action || (event.key === "Enter" && target && target.tagName === "BUTTON")) return;
    event.preventDefault();
    action();
  });
  show(false);
})();
