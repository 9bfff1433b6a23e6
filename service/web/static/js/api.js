// Calls from the pages to the JSON API: the CSRF header, problem documents and file downloads.

const csrfToken = document.querySelector('meta[name="csrf-token"]').content

/** Raised after a 401, when the page is on its way to the sign-in form. */
export class SignedOut extends Error {}

/** Fetch from the API with the CSRF header; a 401 sends the user to the sign-in page. */
export async function call (url, options = {}) {
  const headers = { 'X-CSRFToken': csrfToken, ...options.headers }
  const response = await fetch(url, { credentials: 'same-origin', ...options, headers })
  if (response.status === 401) {
    const here = window.location.pathname + window.location.search
    window.location.assign(`/login?next=${encodeURIComponent(here)}`)
    throw new SignedOut('请先登录')
  }
  return response
}

/** The JSON body of a response, or throw with the API's Chinese problem text. */
export async function json (response) {
  if (!response.ok) throw new Error(problemText(await problemOf(response)))
  return response.json()
}

/** The problem document of a failed response (a plain one when the body is not JSON). */
export async function problemOf (response) {
  try {
    return await response.json()
  } catch {
    return { status: response.status, title: `请求失败（${response.status}）` }
  }
}

/** The text to show for a problem. */
export function problemText (problem) {
  return problem.detail || problem.title || '请求失败'
}

/** The text to show for a failed call: network trouble, or the error's own message. */
export function failureText (error) {
  return error instanceof TypeError ? '无法连接服务，请检查网络后重试。' : error.message
}

/** The file name in Content-Disposition: filename* (UTF-8) first, then filename. */
export function filenameOf (response, fallback) {
  const header = response.headers.get('Content-Disposition') || ''
  const encoded = /filename\*=UTF-8''([^;\s]+)/i.exec(header)
  if (encoded) return decodeURIComponent(encoded[1])
  const plain = /filename="([^"]+)"/i.exec(header)
  return plain ? plain[1] : fallback
}

/** Save a response's body as a download with the given name. */
export async function saveAs (response, filename) {
  const url = URL.createObjectURL(await response.blob())
  const link = document.createElement('a')
  link.href = url
  link.download = filename
  document.body.append(link)
  link.click()
  link.remove()
  setTimeout(() => URL.revokeObjectURL(url), 60000)
}

/** Show a message (text only) in a status element; tone is info, success or error. */
export function say (element, text, tone = 'info') {
  element.textContent = text
  element.dataset.tone = tone
}

/** Create an element with attributes and text or element children (never HTML). */
export function el (tag, attributes = {}, ...children) {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value)
  element.append(...children)
  return element
}
