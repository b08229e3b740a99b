PP_SEARCH.text(6,[
"",
""]);
