// JupyterLab loads this only to draw a ```mermaid block in markdown, which the workbook has none of.
throw new Error("mermaid diagrams are left out of the JupyterLab test page (test/jupyterlab/app/stand-ins)");
