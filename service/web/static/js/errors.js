// The API's validation errors (paths like attendees[3].name) shown next to their fields.

import { el } from './api.js'

const NOTE = 'field-error'

/** The json-editor path of an API path: attendees[3].name → root.attendees.3.name. */
export function editorPath (apiPath) {
  const parts = apiPath.replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean)
  return ['root', ...parts].join('.')
}

/** The editor at a path, or at its nearest existing ancestor. */
function nearestEditor (jsonEditor, path) {
  for (let at = path; at; at = at.slice(0, Math.max(at.lastIndexOf('.'), 0))) {
    const editor = jsonEditor.getEditor(at)
    if (editor) return editor
  }
  return jsonEditor.root
}

/** A path in words: 出席人员 › 第4项 › 姓名. */
function fieldLabel (jsonEditor, path) {
  const parts = path.split('.').slice(1)
  return parts.map((part, index) => {
    if (/^\d+$/.test(part)) return `第${Number(part) + 1}项`
    const editor = jsonEditor.getEditor(['root', ...parts.slice(0, index + 1)].join('.'))
    return editor ? editor.getTitle() : part
  }).join(' › ')
}

/** The input of a field editor, or null for groups (objects and lists). */
function controlOf (editor) {
  const input = editor.input
  return input && ['INPUT', 'SELECT', 'TEXTAREA'].includes(input.tagName) ? input : null
}

/** Put one error's note after its field (or a group's heading); gives what the summary links to. */
function place (jsonEditor, error, index) {
  const path = editorPath(error.path)
  const label = error.path ? fieldLabel(jsonEditor, path) : '整份文书'
  const editor = error.path ? nearestEditor(jsonEditor, path) : null
  if (!editor || editor === jsonEditor.root) return { label, message: error.message, target: null }
  const control = controlOf(editor)
  let point = control || editor.title || editor.container.firstElementChild
  while (point.nextElementSibling?.classList.contains(NOTE)) point = point.nextElementSibling
  const note = el('p', { class: NOTE, id: `${NOTE}-${index}`, tabindex: '-1' }, error.message)
  point.after(note)
  if (control) {
    control.setAttribute('aria-invalid', 'true')
    const described = control.getAttribute('aria-describedby')
    control.setAttribute('aria-describedby', described ? `${described} ${note.id}` : note.id)
  }
  return { label, message: error.message, target: control || note }
}

/** The list of all errors on top of the form, each linking to its field. */
function fillSummary (summary, placed) {
  const items = placed.map(({ label, message, target }) => {
    if (!target) return el('li', {}, `${label}：${message}`)
    const link = el('a', { href: `#${target.id}` }, `${label}：${message}`)
    link.addEventListener('click', (event) => { event.preventDefault(); moveTo(target) })
    return el('li', {}, link)
  })
  summary.replaceChildren(el('p', {}, `提交的内容有 ${placed.length} 处需要修改：`), el('ul', {}, ...items))
  summary.hidden = false
}

/** Scroll a field into the middle of the screen and put the cursor in it. */
function moveTo (target) {
  target.scrollIntoView({ block: 'center' })
  target.focus({ preventScroll: true })
}

/** Show every error at once next to its field, list them on top and go to the first. */
export function showErrors (jsonEditor, errors, summary) {
  clearErrors(summary)
  const placed = errors.map((error, index) => place(jsonEditor, error, index))
  fillSummary(summary, placed)
  const first = placed.find(({ target }) => target)
  moveTo(first ? first.target : summary)
}

/** Remove one field's notes once the user changes it. */
export function clearField (control) {
  if (control.getAttribute('aria-invalid') !== 'true') return
  const ids = (control.getAttribute('aria-describedby') || '').split(' ')
  for (const id of ids.filter((id) => id.startsWith(NOTE))) document.getElementById(id)?.remove()
  const rest = ids.filter((id) => id && !id.startsWith(NOTE)).join(' ')
  if (rest) control.setAttribute('aria-describedby', rest)
  else control.removeAttribute('aria-describedby')
  control.removeAttribute('aria-invalid')
}

/** Remove all notes, marks and the summary. */
export function clearErrors (summary) {
  for (const control of document.querySelectorAll('[aria-invalid="true"]')) clearField(control)
  for (const note of document.querySelectorAll(`.${NOTE}`)) note.remove()
  summary.hidden = true
  summary.replaceChildren()
}
