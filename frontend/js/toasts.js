import Toast from 'bootstrap/js/src/toast.js'

const CONTAINER_ID = 'toasts'
const LEVELS = new Set(['success', 'info', 'warning', 'danger', 'secondary', 'primary'])

function show (element) {
  element.removeAttribute('data-autoshow')
  element.addEventListener('hidden.bs.toast', () => element.remove(), { once: true })
  // Errors stay until closed; everything else fades after a few seconds.
  const sticky = element.classList.contains('text-bg-danger')
  Toast.getOrCreateInstance(element, { autohide: !sticky, delay: 6000 }).show()
}

/** Show every `.toast[data-autoshow]` inside `root` (the page on load, or HTML that htmx just swapped in). */
export function showAutoToasts (root) {
  const scope = root && root.querySelectorAll ? root : document
  if (scope.matches && scope.matches('.toast[data-autoshow]')) show(scope)
  scope.querySelectorAll('.toast[data-autoshow]').forEach(show)
}

/** Create and show a toast from script (e.g. `window.erp.toast('تم الحفظ', 'success')`). */
export function showToast (message, level = 'secondary') {
  const container = document.getElementById(CONTAINER_ID)
  if (!container) return null
  const tone = LEVELS.has(level) ? level : 'secondary'
  const toast = document.createElement('div')
  toast.className = `toast align-items-center border-0 text-bg-${tone}`
  toast.setAttribute('role', tone === 'danger' ? 'alert' : 'status')
  const row = document.createElement('div')
  row.className = 'd-flex'
  const body = document.createElement('div')
  body.className = 'toast-body'
  body.textContent = message
  const close = document.createElement('button')
  close.type = 'button'
  close.className = `btn-close${tone === 'warning' || tone === 'info' ? '' : ' btn-close-white'} me-2 m-auto`
  close.setAttribute('data-bs-dismiss', 'toast')
  close.setAttribute('aria-label', document.body.dataset.closeLabel || 'Close')
  row.append(body, close)
  toast.append(row)
  container.append(toast)
  show(toast)
  return toast
}
