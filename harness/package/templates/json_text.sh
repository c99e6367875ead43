# json_text TEXT: prints TEXT as a JSON string, quotes included, with nothing but the shell. The
# text is a log's last lines, which may hold any bytes: everything except printable ASCII, tab
# and newline is dropped first, and what is left needs four escapes to be valid JSON. The
# escapes are quoted variables, which every bash since 4.x substitutes literally (bash 5.2 gives
# an unquoted & in a replacement a meaning of its own).
json_text() {
  local text backslash=$'\\' quote='"' tab=$'\t' newline=$'\n'
  text=$(printf '%s' "$1" | LC_ALL=C tr -cd '\11\12\40-\176')
  text=${text//"$backslash"/"$backslash$backslash"}
  text=${text//"$quote"/"$backslash$quote"}
  text=${text//"$tab"/"${backslash}t"}
  text=${text//"$newline"/"${backslash}n"}
  printf '"%s"' "$text"
}
