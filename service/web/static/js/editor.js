// json-editor set up for these forms: Chinese buttons, server-side validation only, no JSON editing.

const CHINESE = {
  button_add_row_title: '添加{{0}}',
  button_delete_row_title: '删除此{{0}}',
  button_delete_row_title_short: '删除',
  button_move_down_title: '下移',
  button_move_up_title: '上移',
  button_copy_row_title: '复制此{{0}}',
  button_copy_row_title_short: '复制',
  button_collapse: '收起',
  button_expand: '展开',
  button_delete_all: '全部删除',
  button_delete_all_title: '全部删除',
  button_delete_last: '删除最后一项',
  button_delete_last_title: '删除最后一项',
  button_delete_node_warning: '确定删除这一项吗？',
  default_array_item_title: '项'
}

const OPTIONS = {
  theme: 'docgen',
  show_errors: 'never',
  disable_edit_json: true,
  disable_properties: true,
  disable_array_delete_all_rows: true,
  disable_array_delete_last_row: true,
  prompt_before_delete: true,
  no_additional_properties: true,
  use_name_attributes: false
}

/** The html theme without json-editor's own (English) error messages: errors.js shows the API's. */
function docgenTheme (html) {
  return class extends html {
    /** Leave error display to errors.js. */
    addInputError () {}

    /** Leave error display to errors.js. */
    removeInputError () {}
  }
}

/** Keep text exactly as typed: json-editor would strip what looks like HTML (and parse it to do so). */
function keepText (value) {
  return value
}

/** A json-editor for `schema` in `holder`, holding the schema's defaults. */
export function editorFor (holder, schema) {
  const { JSONEditor } = window
  JSONEditor.AbstractEditor.prototype.purify = keepText
  JSONEditor.defaults.languages.zh = CHINESE
  JSONEditor.defaults.language = 'zh'
  JSONEditor.defaults.themes.docgen ??= docgenTheme(JSONEditor.defaults.themes.html)
  return new JSONEditor(holder, { ...OPTIONS, schema })
}

/** Mark required inputs for assistive technology (json-editor only marks their labels). */
export function markRequired (holder) {
  for (const label of holder.querySelectorAll('label.required[for]')) {
    document.getElementById(label.htmlFor)?.setAttribute('aria-required', 'true')
  }
}
