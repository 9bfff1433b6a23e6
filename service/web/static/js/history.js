// The history page: recent documents with download and "copy to a new document" links.

import { call, el, failureText, json, say } from './api.js'

const PAGE_SIZE = 20
const kindSelect = document.getElementById('history-kind')
const rows = document.getElementById('history-rows')
const notice = document.getElementById('history-notice')
const newer = document.getElementById('history-newer')
const older = document.getElementById('history-older')
const pageInfo = document.getElementById('history-page')
const titles = Object.fromEntries([...kindSelect.options].map((option) => [option.value, option.text]))
let offset = 0

/** A date-time from the API in local time: 2026/3/5 14:30:00. */
function when (iso) {
  return new Date(iso).toLocaleString('zh-CN', { hour12: false })
}

/** Who made a document, in words: created_by is cli, local, proxy, or key:, web: or proxy: and a name. */
function who (createdBy) {
  const plain = { cli: '本机命令行', local: '本机（未启用密钥）', proxy: '认证代理转来的用户' }
  if (plain[createdBy]) return plain[createdBy]
  const [how, ...rest] = createdBy.split(':')
  const name = rest.join(':')
  const through = { key: '接口调用', web: '网页', proxy: '经认证代理' }
  return through[how] ? `${name}（${through[how]}）` : createdBy
}

/** A table cell with a label for the phone layout. */
function cell (label, content, className = '') {
  return el('td', { 'data-label': label, class: className }, ...[content].flat())
}

/** One record as a table row. */
function row (record) {
  const id = encodeURIComponent(record.id)
  const download = el('a', { href: `/api/v1/documents/${id}/file`, download: '' }, '下载')
  const copy = el('a', { href: `/forms/${encodeURIComponent(record.kind)}?from=${id}` }, '复制为新文书')
  return el('tr', {},
    cell('种类', titles[record.kind] || record.kind, 'nowrap'),
    cell('编号', record.number || '—'),
    cell('文件名', record.filename),
    cell('生成时间', when(record.created_at)),
    cell('生成人', who(record.created_by)),
    cell('操作', [download, copy], 'nowrap'))
}

/** Load and show one page of records. */
async function load () {
  const query = new URLSearchParams({ limit: PAGE_SIZE, offset })
  if (kindSelect.value) query.set('kind', kindSelect.value)
  try {
    const page = await json(await call(`/api/v1/documents?${query}`))
    rows.replaceChildren(...page.items.map(row))
    say(notice, page.total ? '' : '还没有生成过文书。')
    pageInfo.textContent = page.total ? `第 ${offset + 1}–${offset + page.items.length} 份，共 ${page.total} 份` : ''
    newer.disabled = offset === 0
    older.disabled = offset + page.items.length >= page.total
  } catch (error) {
    say(notice, failureText(error), 'error')
  }
}

/** Move by a page (-1 newer, +1 older) and reload. */
function turn (direction) {
  offset = Math.max(0, offset + direction * PAGE_SIZE)
  load()
}

kindSelect.addEventListener('change', () => { offset = 0; load() })
newer.addEventListener('click', () => turn(-1))
older.addEventListener('click', () => turn(1))
load()
