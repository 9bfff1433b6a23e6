// The batch page: download the blank sheet, upload a filled one, follow progress, download results.

import { call, el, failureText, json, problemOf, problemText, say } from './api.js'

// The batch API's states: preparing → running → finishing → done, or failed (the upload cannot be read).
const FINISHED = new Set(['done', 'failed'])
const STATES = { preparing: '准备中', running: '生成中', finishing: '打包中', done: '已完成', failed: '失败' }
const POLL_MS = 1000

const kindSelect = document.getElementById('batch-kind')
const sheetLink = document.getElementById('sheet-link')
const form = document.getElementById('batch-form')
const fileInput = document.getElementById('batch-file')
const submitButton = document.getElementById('batch-submit')
const notice = document.getElementById('batch-notice')
const panel = document.getElementById('batch-progress-panel')
const bar = document.getElementById('batch-progress')
const statusLine = document.getElementById('batch-status')
const archiveLink = document.getElementById('archive-link')
const reportLink = document.getElementById('report-link')
const pdfLink = document.getElementById('pdf-link')

/** Point the blank-sheet link at the chosen kind. */
function updateSheetLink () {
  sheetLink.href = `/api/v1/kinds/${encodeURIComponent(kindSelect.value)}/sheet`
}

/** Upload the chosen sheet; on 202 follow the new batch, else say why not. */
async function upload (event) {
  event.preventDefault()
  if (!fileInput.files.length) return say(notice, '请先选择填好的 Excel 文件。', 'error')
  const body = new FormData()
  body.append('file', fileInput.files[0])
  submitButton.disabled = true
  say(notice, '正在上传…')
  try {
    const response = await call(`/api/v1/batches/${encodeURIComponent(kindSelect.value)}`, { method: 'POST', body })
    if (response.status !== 202) return await refused(response)
    say(notice, '')
    await follow(batchId(response.headers.get('Location')))
  } catch (error) {
    say(notice, failureText(error), 'error')
  } finally {
    submitButton.disabled = false
  }
}

/** Show why an upload was refused, with each problem the API lists (e.g. a bad header cell). */
async function refused (response) {
  const problem = await problemOf(response)
  say(notice, problemText(problem), 'error')
  const errors = (problem.errors || []).map((error) => el('li', {}, [error.path, error.message].filter(Boolean).join('：')))
  if (errors.length) notice.append(el('ul', {}, ...errors))
}

/** The batch id at the end of a Location URL. */
function batchId (location) {
  return decodeURIComponent(new URL(location, window.location.href).pathname.split('/').pop())
}

/** Poll the batch until it finishes, showing progress; the id stays in the address for reloads. */
async function follow (id) {
  window.history.replaceState(null, '', `?batch=${encodeURIComponent(id)}`)
  panel.hidden = false
  archiveLink.hidden = reportLink.hidden = true
  const url = `/api/v1/batches/${encodeURIComponent(id)}`
  for (;;) {
    const status = await json(await call(url))
    showProgress(status)
    if (FINISHED.has(status.state)) return showResults(url, status)
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
}

/** The progress bar and a line of counts. */
function showProgress ({ state, total, done, failed, percentage }) {
  bar.value = percentage
  statusLine.textContent = `${STATES[state] || state}：${counts(state, total, done, failed, percentage)}`
}

/** The counts of a batch in words. */
function counts (state, total, done, failed, percentage) {
  if (total) return `共 ${total} 份，已生成 ${done} 份，失败 ${failed} 份（${Math.floor(percentage)}%）`
  return state === 'failed' ? '表格无法读取，请检查文件后重新上传。' : '正在读取表格…'
}

/** The download links of a finished batch: the zip and combined PDF when some succeeded, the report when some failed. */
function showResults (url, { done, failed }) {
  archiveLink.href = `${url}/archive`
  reportLink.href = `${url}/report`
  archiveLink.hidden = !done
  if (pdfLink) {
    pdfLink.href = `${url}/pdf`
    pdfLink.hidden = !done
  }
  reportLink.hidden = !failed
  if (failed) statusLine.append(el('span', {}, '。请下载错误报告，按提示修改有误的行后重新上传。'))
}

/** Set up the page, resuming a batch named in the address. */
function main () {
  kindSelect.addEventListener('change', updateSheetLink)
  form.addEventListener('submit', upload)
  updateSheetLink()
  const resumed = new URLSearchParams(window.location.search).get('batch')
  if (resumed) follow(resumed).catch((error) => say(notice, failureText(error), 'error'))
}

main()
