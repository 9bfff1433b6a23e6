// The templates page: upload a Word template (checked by the API), see its warnings, preview, activate, roll back.

import { call, el, failureText, json, problemOf, problemText, say } from './api.js'

const kindSelect = document.getElementById('template-kind')
const activeLink = document.getElementById('active-link')
const form = document.getElementById('template-form')
const fileInput = document.getElementById('template-file')
const noteInput = document.getElementById('template-note')
const submitButton = document.getElementById('template-submit')
const notice = document.getElementById('template-notice')
const rows = document.getElementById('versions')
const status = document.getElementById('versions-status')
const rollbackButton = document.getElementById('rollback')
const previewPanel = document.getElementById('preview-panel')
const previewCaption = document.getElementById('preview-caption')
const previewImage = document.getElementById('preview-image')

/** The API URL of the chosen kind's templates, with an optional tail. */
function templatesUrl (tail = '') {
  return `/api/v1/kinds/${encodeURIComponent(kindSelect.value)}/templates${tail}`
}

/** A list of problems or warnings as the API gives them (path and message). */
function problemList (items) {
  return el('ul', {}, ...items.map((item) => el('li', {}, [item.path, item.message].filter(Boolean).join('：'))))
}

/** Load and show the chosen kind's versions. */
async function refresh () {
  activeLink.href = templatesUrl('/active/file')
  try {
    show(await json(await call(templatesUrl())))
  } catch (error) {
    say(status, failureText(error), 'error')
  }
}

/** The table: one row per uploaded version, newest first, then the shipped default. */
function show (listing) {
  rows.replaceChildren(...listing.versions.map((version) => row(version)), row(null, listing.active === null, listing.shipped_sha256))
  say(status, listing.active === null ? '正在使用：默认模板' : `正在使用：第 ${listing.active} 版`)
}

/** One table row (`version` null: the shipped default). */
function row (version, shippedActive = false, shippedSha = '') {
  const ref = version ? String(version.version) : 'shipped'
  const active = version ? version.active : shippedActive
  const actions = el('td', { class: 'actions-cell' },
    button('预览', () => preview(ref, version ? `第 ${ref} 版` : '默认模板')),
    el('a', { href: templatesUrl(`/${ref}/preview`), download: '' }, '示例文书'),
    ...(previewImage ? [el('a', { href: templatesUrl(`/${ref}/preview?format=pdf`), download: '' }, 'PDF')] : []),
    el('a', { href: templatesUrl(`/${ref}/file`), download: '' }, '下载模板'))
  if (!active) actions.append(button('启用', () => activate(ref), 'activate'))
  const warnings = version && version.warnings.length ? ` ⚠ ${version.warnings.length} 条格式提示` : ''
  return el('tr', { 'data-ref': ref },
    el('td', {}, version ? `第 ${version.version} 版` : '默认模板'),
    el('td', {}, version ? version.uploaded_by : '系统'),
    el('td', { class: 'nowrap' }, version ? new Date(version.uploaded_at).toLocaleString('zh-CN') : ''),
    el('td', {}, el('code', { title: version ? version.sha256 : shippedSha }, (version ? version.sha256 : shippedSha).slice(0, 12))),
    el('td', {}, (version ? version.note : '随系统提供') + warnings),
    el('td', active ? { class: 'state-active' } : {}, active ? '使用中' : ''),
    actions)
}

/** A small button that runs `action`. */
function button (label, action, name = '') {
  const node = el('button', { type: 'button', 'data-action': name || label }, label)
  node.addEventListener('click', action)
  return node
}

/** Upload the chosen file; show the refusal with each problem, or the new version with its warnings. */
async function upload (event) {
  event.preventDefault()
  if (!fileInput.files.length) return say(notice, '请先选择 Word 模板（.docx）。', 'error')
  const body = new FormData()
  body.append('file', fileInput.files[0])
  body.append('note', noteInput.value)
  submitButton.disabled = true
  say(notice, '正在上传并检查…')
  try {
    const response = await call(templatesUrl(), { method: 'POST', body })
    if (response.status !== 201) {
      const problem = await problemOf(response)
      say(notice, problemText(problem), 'error')
      if (problem.errors && problem.errors.length) notice.append(problemList(problem.errors))
      return
    }
    const version = await response.json()
    const warned = version.warnings.length ? `，有 ${version.warnings.length} 条 GB/T 9704 格式提示（不影响使用）：` : '。请预览后启用。'
    say(notice, `检查通过，已保存为第 ${version.version} 版${warned}`, version.warnings.length ? 'info' : 'success')
    if (version.warnings.length) notice.append(problemList(version.warnings))
    form.reset()
    await refresh()
  } catch (error) {
    say(notice, failureText(error), 'error')
  } finally {
    submitButton.disabled = false
  }
}

/** Show the first page of the example made with a version (an image when PDF is available). */
function preview (ref, label) {
  previewPanel.hidden = false
  previewCaption.textContent = `${label}：用示例数据生成的文书` + (previewImage ? '（第 1 页）' : '，请点“示例文书”下载查看。')
  if (previewImage) previewImage.src = templatesUrl(`/${ref}/preview?format=png&page=1`)
  previewPanel.scrollIntoView({ block: 'nearest' })
}

/** Switch the kind to a version and show the new state. */
async function activate (ref) {
  try {
    show(await json(await call(templatesUrl(`/${ref}/activate`), { method: 'POST' })))
    say(notice, ref === 'shipped' ? '已启用默认模板。' : `已启用第 ${ref} 版，之后生成的文书都使用它。`, 'success')
  } catch (error) {
    say(notice, failureText(error), 'error')
  }
}

/** Go back to the version in use before the current one. */
async function rollback () {
  try {
    const listing = await json(await call(templatesUrl('/rollback'), {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}'
    }))
    show(listing)
    say(notice, listing.active === null ? '已回退到默认模板。' : `已回退到第 ${listing.active} 版。`, 'success')
  } catch (error) {
    say(notice, failureText(error), 'error')
  }
}

kindSelect.addEventListener('change', () => { say(notice, ''); previewPanel.hidden = true; refresh() })
form.addEventListener('submit', upload)
rollbackButton.addEventListener('click', rollback)
refresh()
