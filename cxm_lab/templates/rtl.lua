-- Carry text direction to Typst: a span marked dir="rtl" (Persian, Arabic, ...) becomes
-- #text(dir: rtl, lang: "..")[...], so the PDF shapes and orders it right-to-left.
-- HTML needs nothing: Pandoc writes the dir and lang attributes itself.
-- A headline value coloured by its status (report.kpi_cards: .cxm-tone-good / .cxm-tone-bad)
-- becomes #text(fill: ...)[...] in Typst; HTML colours it with report.css.
local TONES = { ["cxm-tone-good"] = "#1b7f5b", ["cxm-tone-bad"] = "#b42318" }

-- #text(<args>)[<inlines>]: the inlines wrapped in a Typst text call.
local function typst_text(args, inlines)
  local out = { pandoc.RawInline("typst", "#text(" .. args .. ")[") }
  for _, x in ipairs(inlines) do table.insert(out, x) end
  table.insert(out, pandoc.RawInline("typst", "]"))
  return out
end

function Span(el)
  if not FORMAT:match("typst") then return nil end
  for _, cls in ipairs(el.classes) do
    local fill = TONES[cls]
    if fill then return typst_text('fill: rgb("' .. fill .. '")', el.content) end
  end
  local dir = el.attributes["dir"]
  local lang = el.attributes["lang"]
  if dir ~= "rtl" and dir ~= "ltr" and not lang then return nil end
  local args = {}
  -- dir="ltr" marks a left-to-right run inside right-to-left text (a quote's credit).
  if dir == "rtl" or dir == "ltr" then table.insert(args, "dir: " .. dir) end
  if lang and lang:match("^[%a-]+$") then table.insert(args, 'lang: "' .. lang .. '"') end
  return typst_text(table.concat(args, ", "), el.content)
end

function BlockQuote(el)
  if not FORMAT:match("typst") then return nil end
  -- A quote whose first paragraph starts with an RTL span is aligned to the right.
  -- (Spans are converted before blocks are visited, so look for the raw Typst opener.)
  local first = el.content[1]
  local lead = first and first.t == "Para" and first.content[1]
  if lead and lead.t == "RawInline" and lead.text:match("^#text%(dir: rtl") then
    return { pandoc.RawBlock("typst", "#align(right)["), el, pandoc.RawBlock("typst", "]") }
  end
end

-- Callout boxes (::: {.callout-note} ... :::) become the header's tinted band in Typst.
local CALLOUTS = { ["callout-note"] = "note", ["callout-tip"] = "note",
                   ["callout-warning"] = "warning", ["callout-important"] = "important" }
function Div(el)
  if not FORMAT:match("typst") then return nil end
  for _, cls in ipairs(el.classes) do
    local kind = CALLOUTS[cls]
    if kind then
      local out = { pandoc.RawBlock("typst", '#cxm-callout("' .. kind .. '")[') }
      for _, b in ipairs(el.content) do table.insert(out, b) end
      table.insert(out, pandoc.RawBlock("typst", "]"))
      return out
    end
  end
end

-- HTML: every section heading gets a link to its own anchor (shown on hover), so a reader can
-- copy the address of a section. The link points inside the page only.
function Header(el)
  if not FORMAT:match("html") or el.identifier == "" or el.level < 2 then return nil end
  el.content:insert(pandoc.Link({}, "#" .. el.identifier, "",
    pandoc.Attr("", { "anchor" }, { { "aria-label", "Link to this section" } })))
  return el
end

-- Typst: a code-like value in a table cell ("in_the_moment") may wrap after its underscores
-- (a zero-width space) instead of running into the next column.
function Table(el)
  if not FORMAT:match("typst") then return nil end
  return el:walk({
    Str = function(s)
      if s.text:find("_", 1, true) then
        return pandoc.Str((s.text:gsub("_", "_\u{200B}")))
      end
    end,
  })
end
