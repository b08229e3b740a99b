PP_SEARCH.text(3,[
"",
""]);
