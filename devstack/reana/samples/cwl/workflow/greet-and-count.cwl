cwlVersion: v1.0
class: Workflow
inputs:
  helloworld: File
  inputfile: File
  greeting: string
  sleeptime: float
outputs:
  greetings:
    type: File
    outputSource: greet/greetings
  line_count:
    type: File
    outputSource: count/count
steps:
  greet:
    run: greet.cwl
    in:
      helloworld: helloworld
      inputfile: inputfile
      greeting: greeting
      sleeptime: sleeptime
    out: [greetings]
  count:
    run: count.cwl
    in:
      greetings: greet/greetings
    out: [count]
