// Progressive enhancement for a report being made in the background: look at the page again
// every few seconds and show the new state when it changes, so nobody has to press
// "Check again". Without this file the "Check again" button does the same, by hand.
const job = document.getElementById("report-job");
const announce = document.getElementById("report-job-announce");
const WAITING = ["queued", "running"];
const PAUSE_MS = 4000;
const GIVE_UP_AFTER = 150; // ten minutes: then "Check again" is still there

function stateOf(element) {
  const status = element.querySelector("[data-report-job-state]");
  return status ? status.dataset.reportJobState : "";
}

async function lookAgain(tries) {
  let response;
  try {
    response = await fetch(window.location.href, { credentials: "same-origin" });
  } catch {
    return; // offline or the server is restarting: the button still works
  }
  if (!response.ok) return;
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const fresh = page.getElementById("report-job");
  if (!fresh) return;
  const state = stateOf(fresh);
  if (state !== stateOf(job)) {
    job.replaceChildren(...fresh.childNodes);
    document.title = page.title;
    const news = job.querySelector("[data-report-job-news]");
    if (announce && news) announce.textContent = news.textContent.trim();
  }
  if (WAITING.includes(state) && tries < GIVE_UP_AFTER) {
    window.setTimeout(() => lookAgain(tries + 1), PAUSE_MS);
  }
}

if (job && announce && WAITING.includes(stateOf(job))) {
  window.setTimeout(() => lookAgain(1), PAUSE_MS);
}
