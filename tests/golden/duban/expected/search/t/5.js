PP_SEARCH.text(5,[
"",
""]);
