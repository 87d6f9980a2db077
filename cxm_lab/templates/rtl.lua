-- Carry text direction to Typst: a span marked dir="rtl" (Persian, Arabic, ...) becomes
-- #text(dir: rtl, lang: "..")[...], so the PDF shapes and orders it right-to-left.
-- HTML needs nothing: Pandoc writes the dir and lang attributes itself.
function Span(el)
  if not FORMAT:match("typst") then return nil end
  local dir = el.attributes["dir"]
  local lang = el.attributes["lang"]
  if dir ~= "rtl" and not lang then return nil end
  local args = {}
  if dir == "rtl" then table.insert(args, "dir: rtl") end
  if lang and lang:match("^[%a-]+$") then table.insert(args, 'lang: "' .. lang .. '"') end
  local out = { pandoc.RawInline("typst", "#text(" .. table.concat(args, ", ") .. ")[") }
  for _, x in ipairs(el.content) do table.insert(out, x) end
  table.insert(out, pandoc.RawInline("typst", "]"))
  return out
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
