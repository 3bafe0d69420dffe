cwlVersion: v1.0
class: CommandLineTool
requirements:
  DockerRequirement:
    dockerPull: docker.io/library/python:3.11-slim
baseCommand: python3
inputs:
  helloworld:
    type: File
    inputBinding: {position: 1}
  inputfile:
    type: File
    inputBinding: {prefix: --inputfile, position: 2}
  greeting:
    type: string
    inputBinding: {prefix: --greeting, position: 3}
  sleeptime:
    type: float
    inputBinding: {prefix: --sleeptime, position: 4}
arguments:
  - {prefix: --outputfile, valueFrom: greetings.txt, position: 5}
outputs:
  greetings:
    type: File
    outputBinding: {glob: greetings.txt}
