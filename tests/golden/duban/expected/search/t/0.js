PP_SEARCH.text(0,[
"",
""]);
