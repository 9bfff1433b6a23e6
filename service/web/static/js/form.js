// The form page: the kind's schema as a form, drafts kept in this browser, submit and download.

import { call, el, failureText, filenameOf, json, problemOf, problemText, saveAs, say } from './api.js'
import { editorFor, markRequired } from './editor.js'
import { clearErrors, clearField, showErrors } from './errors.js'

const config = JSON.parse(document.getElementById('form-config').textContent)
const draftKey = `docgen:draft:${config.id}`
const holder = document.getElementById('editor')
const notice = document.getElementById('notice')
const summary = document.getElementById('form-errors')
const submitButton = document.getElementById('submit-form')
const previewButton = document.getElementById('preview-form')
let editor = null
let blank = null

/** Build the form, then fill in `value` if given; drafts follow every change. */
function start (value) {
  if (editor) editor.destroy()
  holder.replaceChildren()
  editor = editorFor(holder, config.schema)
  editor.on('ready', () => {
    blank = JSON.stringify(editor.getValue())
    if (value !== undefined) fill(value)
    holder.setAttribute('aria-busy', 'false')
    markRequired(holder)
    editor.on('change', saveDraft)
    editor.on('change', () => markRequired(holder))
  })
}

/** Put data into the form; fields the data lacks keep their blank value (json-editor would drop them). */
function fill (value) {
  editor.setValue({ ...JSON.parse(blank), ...value })
}

/** Keep what is typed in this browser; a form left blank keeps no draft. */
function saveDraft () {
  const value = JSON.stringify(editor.getValue())
  if (value === blank) localStorage.removeItem(draftKey)
  else localStorage.setItem(draftKey, value)
}

/** The draft saved in this browser, if any. */
function draft () {
  try {
    return JSON.parse(localStorage.getItem(draftKey)) ?? undefined
  } catch {
    return undefined
  }
}

/** A copy of some data with the document number left blank, so that a new one is allocated. */
function withoutNumber (data) {
  const copy = structuredClone(data)
  if (config.numberField) copy[config.numberField] = ''
  return copy
}

/** Open the form filled with an earlier document's data (复制为新文书). */
async function startFromRecord (documentId) {
  window.history.replaceState(null, '', window.location.pathname)
  try {
    const record = await json(await call(`/api/v1/documents/${encodeURIComponent(documentId)}`))
    if (record.kind !== config.id) throw new Error('这份记录不是本种文书。')
    start(withoutNumber(record.data))
    say(notice, `已复制《${record.filename}》的内容；提交后将生成一份新文书，另行编号。`, 'success')
  } catch (error) {
    start(draft())
    say(notice, `无法复制这份文书：${failureText(error)}`, 'error')
  }
}

/** Replace the form's content with the kind's example. */
function fillExample () {
  if (draft() !== undefined && !window.confirm('用示例内容替换当前填写的内容吗？')) return
  clearErrors(summary)
  fill(withoutNumber(config.example))
  say(notice, '已填入示例内容，请按实际情况修改。')
}

/** Empty the form and forget the draft. */
function clearForm () {
  if (!window.confirm('清空已填写的全部内容吗？')) return
  localStorage.removeItem(draftKey)
  clearErrors(summary)
  start(undefined)
  say(notice, '表单已清空。')
}

/** The chosen output format (Word unless a PDF choice is offered and picked). */
function chosenFormat () {
  const picked = document.querySelector('input[name="format"]:checked')
  return config.formats.find((format) => format.id === picked?.value) || config.formats[0]
}

/** Send the form to the API: download the document (or only its preview), or show every error next to its field. */
async function send (preview) {
  if (submitButton.disabled) return
  const format = chosenFormat()
  submitButton.disabled = previewButton.disabled = true
  clearErrors(summary)
  say(notice, preview ? '正在生成预览，请稍候…' : '正在生成，请稍候…')
  try {
    const response = await call(`/api/v1/documents/${config.id}${preview ? '?preview=true' : ''}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: format.accept },
      body: JSON.stringify(editor.getValue())
    })
    await (response.ok ? delivered(response, format) : refused(response))
  } catch (error) {
    say(notice, failureText(error), 'error')
  } finally {
    submitButton.disabled = previewButton.disabled = false
  }
}

/** Download the new document (or preview) and say what was made (with any warnings). */
async function delivered (response, format) {
  const filename = filenameOf(response, `${config.title}.${format.id}`)
  await saveAs(response, filename)
  if (response.headers.get('X-Docgen-Preview')) {
    say(notice, `已下载预览《${filename}》：未编号、未留记录。确认无误后请点“生成并下载”。`, 'success')
    listWarnings(JSON.parse(decodeURIComponent(response.headers.get('X-Docgen-Warning-Messages') || '%5B%5D')))
    return
  }
  const number = decodeURIComponent(response.headers.get('X-Docgen-Number') || '')
  say(notice, `已生成并下载《${filename}》${number ? `，编号 ${number}` : ''}。`, 'success')
  if (Number(response.headers.get('X-Docgen-Warnings')) > 0) {
    await showWarnings(response.headers.get('X-Docgen-Document-Id'))
  }
}

/** List the record's warnings (e.g. no quorum) under the success message. */
async function showWarnings (documentId) {
  const record = await json(await call(`/api/v1/documents/${encodeURIComponent(documentId)}`))
  listWarnings(record.warnings)
}

/** Warnings (e.g. no quorum) listed under the success message; none, nothing. */
function listWarnings (warnings) {
  if (!warnings.length) return
  notice.append(el('p', {}, '请注意：'), el('ul', {}, ...warnings.map((warning) => el('li', {}, warning.message))))
}

/** Show a refusal: every validation error at its field, or the problem's message. */
async function refused (response) {
  const problem = await problemOf(response)
  if (response.status === 422 && Array.isArray(problem.errors)) {
    say(notice, '')
    showErrors(editor, problem.errors, summary)
  } else {
    say(notice, problemText(problem), 'error')
  }
}

/** Set up the page: the form from a record, a draft or blank, and the buttons. */
function main () {
  const from = new URLSearchParams(window.location.search).get('from')
  if (from) {
    startFromRecord(from)
  } else {
    const saved = draft()
    start(saved)
    if (saved !== undefined) say(notice, '已恢复您上次在本机填写的内容。')
  }
  document.getElementById('fill-example').addEventListener('click', fillExample)
  document.getElementById('clear-form').addEventListener('click', clearForm)
  document.getElementById('document-form').addEventListener('submit', (event) => { event.preventDefault(); send(false) })
  previewButton.addEventListener('click', () => send(true))
  holder.addEventListener('input', (event) => clearField(event.target))
}

main()
