PP_SEARCH.text(2,[
["plans/demo/tasks/01/index.html","推进党组织设置全覆盖","page","","到2020年，新兴领域党的组织覆盖率达到90%以上。返回关于本站。"]]);
