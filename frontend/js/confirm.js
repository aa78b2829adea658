// Confirmation before consequential actions, with an accessible Bootstrap modal instead of window.confirm():
//   <form method="post" data-confirm="Deactivate this user?">…</form>
//   <a href="…" data-confirm="Leave without saving?">…</a>
//   hx-confirm="…" on htmx elements uses the same modal.
// Button labels and the title come from <body data-confirm-title / data-confirm-yes / data-confirm-no>, which
// base.html fills with translated text.
import Modal from 'bootstrap/js/src/modal.js'

const MODAL_ID = 'confirm-modal'
const confirmed = new WeakSet()
let parts = null

function element (tag, className, attrs = {}) {
  const node = document.createElement(tag)
  if (className) node.className = className
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value)
  return node
}

function build () {
  const labels = document.body.dataset
  const root = element('div', 'modal fade', {
    id: MODAL_ID,
    tabindex: '-1',
    'aria-labelledby': `${MODAL_ID}-title`,
    'aria-describedby': `${MODAL_ID}-body`
  })
  const dialog = element('div', 'modal-dialog modal-dialog-centered')
  const content = element('div', 'modal-content')
  const header = element('div', 'modal-header')
  const title = element('h2', 'modal-title fs-5', { id: `${MODAL_ID}-title` })
  title.textContent = labels.confirmTitle || 'Please confirm'
  const close = element('button', 'btn-close', {
    type: 'button',
    'data-bs-dismiss': 'modal',
    'aria-label': labels.confirmNo || 'Cancel'
  })
  header.append(title, close)
  const body = element('div', 'modal-body', { id: `${MODAL_ID}-body` })
  const footer = element('div', 'modal-footer')
  const no = element('button', 'btn btn-outline-secondary', { type: 'button', 'data-bs-dismiss': 'modal' })
  no.textContent = labels.confirmNo || 'Cancel'
  const yes = element('button', 'btn btn-primary', { type: 'button' })
  yes.textContent = labels.confirmYes || 'OK'
  footer.append(no, yes)
  content.append(header, body, footer)
  dialog.append(content)
  root.append(dialog)
  document.body.append(root)
  return { root, body, yes, no, modal: Modal.getOrCreateInstance(root) }
}

/**
 * Ask `message` in a modal. Resolves true when the user accepts, false when they cancel or close it.
 * `danger` paints the accept button red and puts the initial focus on "cancel".
 */
export function confirmAction (message, { danger = false } = {}) {
  if (!parts) parts = build()
  const { root, body, yes, no, modal } = parts
  const returnFocus = document.activeElement
  body.textContent = message
  yes.className = `btn ${danger ? 'btn-danger' : 'btn-primary'}`
  return new Promise((resolve) => {
    let accepted = false
    const onAccept = () => {
      accepted = true
      modal.hide()
    }
    const onShown = () => (danger ? no : yes).focus()
    yes.addEventListener('click', onAccept)
    root.addEventListener('shown.bs.modal', onShown, { once: true })
    root.addEventListener('hidden.bs.modal', () => {
      yes.removeEventListener('click', onAccept)
      root.removeEventListener('shown.bs.modal', onShown)
      if (!accepted && returnFocus && returnFocus.focus) returnFocus.focus()
      resolve(accepted)
    }, { once: true })
    modal.show()
  })
}

function looksDangerous (...elements) {
  return elements.some((el) => el && /\b(btn|text|text-bg)-(outline-)?danger\b/.test(el.className || ''))
}

function onSubmit (event) {
  const form = event.target
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-confirm')) return
  if (confirmed.has(form)) {
    confirmed.delete(form)
    return
  }
  // Capture phase on document: runs before htmx or any other listener on the form sees the submit.
  event.preventDefault()
  event.stopImmediatePropagation()
  const submitter = event.submitter
  const danger = looksDangerous(submitter, form)
  confirmAction(form.dataset.confirm, { danger }).then((ok) => {
    if (!ok) return
    confirmed.add(form)
    if (typeof form.requestSubmit === 'function') {
      form.requestSubmit(submitter && submitter.form === form ? submitter : undefined)
    } else {
      form.submit()
    }
  })
}

function onClick (event) {
  const link = event.target instanceof Element ? event.target.closest('a[data-confirm]') : null
  if (!link) return
  if (confirmed.has(link)) {
    confirmed.delete(link)
    return
  }
  event.preventDefault()
  event.stopImmediatePropagation()
  confirmAction(link.dataset.confirm, { danger: looksDangerous(link) }).then((ok) => {
    if (!ok) return
    confirmed.add(link)
    link.click()
  })
}

function onHtmxConfirm (event) {
  const { question, issueRequest, elt } = event.detail
  if (!question) return
  event.preventDefault()
  confirmAction(question, { danger: looksDangerous(elt) }).then((ok) => ok && issueRequest(true))
}

export function installConfirmations () {
  document.addEventListener('submit', onSubmit, true)
  document.addEventListener('click', onClick, true)
  document.addEventListener('htmx:confirm', onHtmxConfirm)
}
