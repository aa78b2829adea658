// The one script of every page (erp/static/dist/app.js). Loaded with `defer` and a CSP nonce; it must never need
// inline scripts, inline event handlers, eval or style attributes in markup (CSP: script-src 'self' + nonce,
// style-src 'self').
import htmx from 'htmx.org/dist/htmx.esm.js'
import Alert from 'bootstrap/js/src/alert.js'
import Collapse from 'bootstrap/js/src/collapse.js'
import Dropdown from 'bootstrap/js/src/dropdown.js'
import Modal from 'bootstrap/js/src/modal.js'
import Toast from 'bootstrap/js/src/toast.js'

import { bell } from './bell.js'
import { confirmAction, installConfirmations } from './confirm.js'
import { installDigitNormaliser, toAsciiDigits } from './digits.js'
import { installEntryKeys } from './entry.js'
import { installShortcuts } from './keyboard.js'
import { showToast, showAutoToasts } from './toasts.js'

// htmx: CSP-safe settings (the <meta name="htmx-config"> in base.html sets the same; this is the safety net).
// No eval (hx-on / js: values would need 'unsafe-eval'), no <script> execution from swapped HTML, no <style> tag.
// The global that htmx's own UMD build would set: browser tests and the console use it.
window.htmx = htmx
htmx.config.allowEval = false
htmx.config.allowScriptTags = false
htmx.config.includeIndicatorStyles = false

// Every non-GET htmx request carries Django's CSRF token (rendered into <body data-csrf>).
document.addEventListener('htmx:configRequest', (event) => {
  if (event.detail.verb !== 'get') {
    const token = document.body.dataset.csrf
    if (token) event.detail.headers['X-CSRFToken'] = token
  }
})

// A part of the page that loads after it (hx-get with data-lazy-error) says so when it fails, instead of spinning.
for (const type of ['htmx:responseError', 'htmx:sendError']) {
  document.addEventListener(type, (event) => {
    const element = event.detail.elt
    if (element && element.dataset && element.dataset.lazyError) {
      element.removeAttribute('aria-busy')
      element.classList.add('text-danger')
      element.textContent = element.dataset.lazyError
    }
  })
}

// Runs for the initial page and again for every piece of HTML that htmx swaps in.
htmx.onLoad((root) => {
  showAutoToasts(root)
})

installConfirmations()
installDigitNormaliser()
installShortcuts()
installEntryKeys()

// The public hook for later features (toasts from htmx responses, …). The bell polls once a minute (bell.js).
window.erp = {
  htmx,
  bootstrap: { Alert, Collapse, Dropdown, Modal, Toast },
  bell,
  confirm: confirmAction,
  toast: showToast,
  toAsciiDigits
}

bell.start()
