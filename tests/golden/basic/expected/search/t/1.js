PP_SEARCH.text(1,[
"",
""]);
