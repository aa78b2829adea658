// Keyboard support of the order-entry form (erp/templates/orders/entry): no mouse needed.
//   Enter never submits the form by accident. On a field with data-enter-click="<selector>" it presses that
//   button (a barcode scanner ends with Enter: the product is added; in the customer search it picks the first
//   match); with data-enter-focus="<selector>" it moves there; elsewhere it moves to the next field, like Tab.
//   After htmx re-renders the form, focus goes to the field the server named in <div data-entry-focus="id">.
import htmx from 'htmx.org/dist/htmx.esm.js'

const FIELDS = 'input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled])'

function focusField (id) {
  if (!id) return
  const target = document.getElementById(id)
  if (!target) return
  target.focus()
  if (typeof target.select === 'function' && target.matches('input[type=text], input[type=search]')) target.select()
}

function onKeydown (event) {
  if (event.key !== 'Enter' || event.isComposing || event.defaultPrevented) return
  const field = event.target
  if (!(field instanceof HTMLInputElement || field instanceof HTMLSelectElement)) return
  const form = field.closest('form[data-entry]')
  if (!form || field.type === 'submit') return
  event.preventDefault()
  const click = field.dataset.enterClick && document.querySelector(field.dataset.enterClick)
  if (click) {
    click.click()
    return
  }
  const focus = field.dataset.enterFocus && document.querySelector(field.dataset.enterFocus)
  if (focus) {
    focus.focus()
    return
  }
  const fields = [...form.querySelectorAll(FIELDS)]
  const next = fields[fields.indexOf(field) + 1]
  if (next) next.focus()
}

export function installEntryKeys () {
  document.addEventListener('keydown', onKeydown)
  htmx.onLoad((root) => {
    const marker = root.matches && root.matches('[data-entry-focus]') ? root : root.querySelector && root.querySelector('[data-entry-focus]')
    if (marker) focusField(marker.dataset.entryFocus)
  })
}
