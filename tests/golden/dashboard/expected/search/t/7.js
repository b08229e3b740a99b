PP_SEARCH.text(7,[
"",
""]);
