PP_SEARCH.text(2,[
"",
""]);
