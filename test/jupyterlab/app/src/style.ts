// The stylesheets JupyterLab itself loads for a notebook, in the light theme.
import "@jupyterlab/application/style/index.css";
import "@jupyterlab/codemirror/style/index.css";
import "@jupyterlab/notebook/style/index.css";
import "@jupyterlab/theme-light-extension/style/theme.css";
