"""The town's kept imports: a file's checked rows held on the server between preview and confirmation."""
