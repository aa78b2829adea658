// "/" jumps to the page's search box, as on most sites, unless the user is typing somewhere.
function isTyping (element) {
  if (!element || element === document.body) return false
  if (element.isContentEditable) return true
  return element.matches('input, textarea, select')
}

export function installShortcuts () {
  document.addEventListener('keydown', (event) => {
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return
    if (isTyping(event.target) || document.querySelector('.modal.show')) return
    const search = document.querySelector('input[type=search]')
    if (!search) return
    event.preventDefault()
    search.focus()
    search.select()
  })
}
