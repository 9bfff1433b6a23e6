// The profile page: load the organisation profile (TOML), save it (checked by the API), download it.

import { call, failureText, json, problemOf, problemText, saveAs, say } from './api.js'

const form = document.getElementById('profile-form')
const text = document.getElementById('profile-text')
const updated = document.getElementById('profile-updated')
const saveButton = document.getElementById('profile-save')
const downloadButton = document.getElementById('profile-download')
const notice = document.getElementById('profile-notice')

/** Show the profile in use and who saved it. */
function show (profile) {
  text.value = profile.toml
  updated.textContent = profile.updated_by
    ? `最近由 ${profile.updated_by} 于 ${new Date(profile.updated_at).toLocaleString('zh-CN')} 保存`
    : '正在使用系统默认配置'
}

/** Load the profile in use. */
async function load () {
  try {
    show(await json(await call('/api/v1/profile')))
  } catch (error) {
    say(notice, failureText(error), 'error')
  }
}

/** Save the edited profile; the API checks it and says what is wrong. */
async function save (event) {
  event.preventDefault()
  saveButton.disabled = true
  say(notice, '正在检查并保存…')
  try {
    const response = await call('/api/v1/profile', {
      method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ toml: text.value })
    })
    if (!response.ok) return say(notice, problemText(await problemOf(response)), 'error')
    show(await response.json())
    say(notice, '已保存，之后的表单、表格和文书都使用新配置。', 'success')
  } catch (error) {
    say(notice, failureText(error), 'error')
  } finally {
    saveButton.disabled = false
  }
}

/** Download the text as profile.toml (to keep a copy or import it with docgen profile import). */
function download () {
  saveAs(new Response(new Blob([text.value], { type: 'application/toml' })), 'profile.toml')
}

form.addEventListener('submit', save)
downloadButton.addEventListener('click', download)
load()
