// Start NHS.UK frontend's components (header menu, skip link, error summary, password
// toggle...). Loaded as a module from base.html: no inline script, so a Content Security
// Policy without 'unsafe-inline' works. The two classes are the ones NHS.UK frontend's
// page template would add with an inline script: they switch on its JavaScript styles.
import { initAll } from "../vendor/nhsuk/nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();
