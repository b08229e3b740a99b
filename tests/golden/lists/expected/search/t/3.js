PP_SEARCH.text(3,[
"第5号通知的正文。"]);
