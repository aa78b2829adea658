// The notification bell in the top bar (#bell with the badge #bell-count, the dropdown list #bell-items).
// It polls `data-url` at most once a minute per tab (the last answer is kept in sessionStorage, which is per tab,
// so moving between pages does not poll again), pauses while the tab is hidden, and sends the last ETag so the
// server answers 304 from Redis alone when nothing changed.
const MAX_SHOWN = 99
const INTERVAL_MS = 60 * 1000
const STORE_KEY = 'erp.bell'

let etag = null
let timer = null
let lastPoll = 0

function load () {
  try {
    return JSON.parse(window.sessionStorage.getItem(STORE_KEY) || 'null')
  } catch (e) {
    return null
  }
}

function save (state) {
  try {
    window.sessionStorage.setItem(STORE_KEY, JSON.stringify(state))
  } catch (e) {
    // storage full or disabled: polling still works, only less economically across pages
  }
}

function renderItems (items) {
  const list = document.getElementById('bell-items')
  if (!list) return
  const template = list.querySelector('template')
  list.querySelectorAll('.bell-item').forEach((el) => el.remove())
  const empty = list.querySelector('.bell-empty')
  if (empty) empty.classList.toggle('d-none', items.length > 0)
  if (!template) return
  for (const item of items) {
    const node = template.content.firstElementChild.cloneNode(true)
    node.classList.add('bell-item')
    const link = node.querySelector('a')
    link.href = item.link || list.dataset.listUrl
    link.querySelector('.bell-title').textContent = item.title
    link.querySelector('.bell-body').textContent = item.body
    if (!item.read) link.classList.add('fw-semibold')
    list.insertBefore(node, list.querySelector('.bell-footer'))
  }
}

async function poll () {
  const button = document.getElementById('bell')
  if (!button || !button.dataset.url || document.hidden) return
  lastPoll = Date.now()
  const headers = { Accept: 'application/json' }
  if (etag) headers['If-None-Match'] = etag
  try {
    const response = await fetch(button.dataset.url, { headers, credentials: 'same-origin' })
    const cached = load() || {}
    if (response.status === 304) {
      save({ ...cached, at: lastPoll })
      return
    }
    if (!response.ok) return
    etag = response.headers.get('ETag')
    const data = await response.json()
    bell.setCount(data.unread)
    renderItems(data.items || [])
    save({ at: lastPoll, etag, unread: data.unread, items: data.items || [] })
  } catch (e) {
    // offline or server restarting: the next tick tries again
  }
}

function schedule () {
  clearInterval(timer)
  timer = null
  if (document.hidden) return
  const wait = Math.max(0, INTERVAL_MS - (Date.now() - lastPoll))
  timer = setTimeout(() => {
    poll()
    timer = setInterval(poll, INTERVAL_MS)
  }, wait)
}

export const bell = {
  get element () {
    return document.getElementById('bell')
  },
  /** Show `count` unread notifications on the badge (0 hides it). */
  setCount (count) {
    const badge = document.getElementById('bell-count')
    if (!badge) return
    const n = Math.max(0, Number.parseInt(count, 10) || 0)
    badge.textContent = n > MAX_SHOWN ? `${MAX_SHOWN}+` : String(n)
    badge.classList.toggle('d-none', n === 0)
    const button = this.element
    if (button) button.classList.toggle('has-unread', n > 0)
  },
  /** Start polling (once on load, then at most once a minute while the tab is visible). */
  start () {
    if (!this.element || !this.element.dataset.url) return
    const cached = load()
    if (cached && cached.etag && Date.now() - cached.at < INTERVAL_MS) {
      etag = cached.etag
      lastPoll = cached.at
      this.setCount(cached.unread)
      renderItems(cached.items || [])
    } else {
      poll()
    }
    schedule()
    document.addEventListener('visibilitychange', schedule)
  }
}
