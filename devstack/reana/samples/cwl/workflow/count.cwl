cwlVersion: v1.0
class: CommandLineTool
requirements:
  DockerRequirement:
    dockerPull: docker.io/library/python:3.11-slim
baseCommand: [wc, -l]
stdout: count.txt
inputs:
  greetings:
    type: File
    inputBinding: {position: 1}
outputs:
  count:
    type: stdout
